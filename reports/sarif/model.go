package sarif

import "github.com/craudit/craudit/checks"

// The subset of the SARIF 2.1.0 object model craudit writes.

type sarifLog struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []run  `json:"runs"`
}

type run struct {
	Tool        tool          `json:"tool"`
	Invocations []invocation  `json:"invocations"`
	Results     []result      `json:"results"`
	ColumnKind  string        `json:"columnKind"`
	Properties  runProperties `json:"properties"`
}

type tool struct {
	Driver driver `json:"driver"`
}

type driver struct {
	Name           string `json:"name"`
	Version        string `json:"version,omitempty"`
	InformationURI string `json:"informationUri"`
	Rules          []rule `json:"rules"`
}

type rule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     *message       `json:"shortDescription"`
	FullDescription      *message       `json:"fullDescription"`
	Help                 *message       `json:"help"`
	DefaultConfiguration *configuration `json:"defaultConfiguration"`
	Properties           ruleProperties `json:"properties"`
}

type ruleProperties struct {
	Tags     []string `json:"tags"`
	MapsTo   []string `json:"maps_to"`
	Basis    string   `json:"basis"`
	Step     int      `json:"step"`
	Version  int      `json:"check_version"`
	Required bool     `json:"required"`
}

type configuration struct {
	Level string `json:"level"`
}

type message struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type invocation struct {
	ExecutionSuccessful bool           `json:"executionSuccessful"`
	Notifications       []notification `json:"toolExecutionNotifications"`
}

type notification struct {
	Level          string   `json:"level"`
	Message        *message `json:"message"`
	AssociatedRule *ruleRef `json:"associatedRule,omitempty"`
}

type ruleRef struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
}

type result struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Kind                string            `json:"kind"`
	Level               string            `json:"level"`
	Message             *message          `json:"message"`
	Locations           []location        `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []suppression     `json:"suppressions,omitempty"`
	Properties          resultProperties  `json:"properties"`
}

type resultProperties struct {
	Status    string   `json:"status"`
	FindingID string   `json:"finding_id,omitempty"`
	Severity  string   `json:"severity,omitempty"`
	MapsTo    []string `json:"maps_to"`
	Evidence  []string `json:"evidence,omitempty"`
}

type location struct {
	PhysicalLocation physicalLocation `json:"physicalLocation"`
}

type physicalLocation struct {
	ArtifactLocation artifactLocation `json:"artifactLocation"`
}

type artifactLocation struct {
	URI string `json:"uri"`
}

type suppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

type runProperties struct {
	ReferenceTime  string                `json:"reference_time"`
	TimeSource     string                `json:"time_source,omitempty"`
	Outcome        string                `json:"outcome"`
	Summary        checks.Summary        `json:"summary"`
	Catalogues     []checks.CatalogueRef `json:"catalogues"`
	Subject        checks.Subject        `json:"subject"`
	Passed         []string              `json:"passed"`
	NotApplicable  []string              `json:"not_applicable"`
	BundleProblems []checks.Problem      `json:"bundle_problems"`
}
