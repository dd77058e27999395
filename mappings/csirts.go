package mappings

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"sync"

	"go.yaml.in/yaml/v3"
)

//go:embed csirts/csirts.yaml
var csirtsYAML []byte

// CSIRTTable is the embedded table of the CSIRT each member state's
// manufacturers notify under CRA Art. 14(7), with its source and the date
// it was retrieved.
type CSIRTTable struct {
	Edition   string  `yaml:"edition" json:"edition"`
	Source    string  `yaml:"source" json:"source"`
	Retrieved string  `yaml:"retrieved" json:"retrieved"`
	Entries   []CSIRT `yaml:"entries" json:"entries"`
}

// CSIRT is one member state's entry. Verified is false where the name
// could not be checked against the member state's designation: the entry
// is a candidate, and every output that shows it says so.
type CSIRT struct {
	MemberState string `yaml:"member_state" json:"member_state"`
	Country     string `yaml:"country" json:"country"`
	Name        string `yaml:"csirt" json:"csirt"`
	URL         string `yaml:"url" json:"url"`
	Verified    bool   `yaml:"verified" json:"verified"`
}

var (
	csirtOnce  sync.Once
	csirtTable *CSIRTTable
	csirtErr   error
)

var memberStateCode = regexp.MustCompile(`^[A-Z]{2}$`)

// CSIRTs returns the embedded table, parsed once.
func CSIRTs() (*CSIRTTable, error) {
	csirtOnce.Do(func() { csirtTable, csirtErr = parseCSIRTs(csirtsYAML) })
	return csirtTable, csirtErr
}

func parseCSIRTs(b []byte) (*CSIRTTable, error) {
	var t CSIRTTable
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("csirts.yaml: %w", err)
	}
	if t.Edition == "" || t.Source == "" || t.Retrieved == "" {
		return nil, errors.New("csirts.yaml: needs edition, source and retrieved")
	}
	seen := map[string]bool{}
	for _, e := range t.Entries {
		if !memberStateCode.MatchString(e.MemberState) || e.Name == "" || e.Country == "" {
			return nil, fmt.Errorf("csirts.yaml: entry %q: needs a two-letter member_state, country and csirt", e.MemberState)
		}
		if seen[e.MemberState] {
			return nil, fmt.Errorf("csirts.yaml: %s listed twice", e.MemberState)
		}
		seen[e.MemberState] = true
	}
	return &t, nil
}

// CSIRTFor returns the entry of a member state (ISO 3166-1 alpha-2; Greece
// is GR, as the table writes it; EL is accepted too).
func (t *CSIRTTable) CSIRTFor(memberState string) (CSIRT, bool) {
	if memberState == "EL" {
		memberState = "GR"
	}
	for _, e := range t.Entries {
		if e.MemberState == memberState {
			return e, true
		}
	}
	return CSIRT{}, false
}
