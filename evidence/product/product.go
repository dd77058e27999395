package product

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Date is a calendar date written YYYY-MM-DD (or a full RFC 3339 time).
type Date struct{ time.Time }

// UnmarshalYAML accepts YYYY-MM-DD and RFC 3339.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	t, err := ParseDate(s)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	d.Time = t
	return nil
}

// MarshalYAML writes the date back as YYYY-MM-DD.
func (d Date) MarshalYAML() (any, error) { return d.Format(time.DateOnly), nil }

// ParseDate reads YYYY-MM-DD or RFC 3339, in UTC.
func ParseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD or RFC 3339", s)
	}
	return t.UTC(), nil
}

// Product is product.yaml: who makes the product, what it is, how it is
// supported and how updates reach it (Annex II and Annex VII point 1).
type Product struct {
	Manufacturer struct {
		Name    string `yaml:"name" json:"name"`
		Address string `yaml:"address" json:"address,omitempty"`
		Email   string `yaml:"email" json:"email,omitempty"`
		Website string `yaml:"website" json:"website,omitempty"`
		// MemberState is the ISO 3166-1 alpha-2 code of the member state of
		// the manufacturer's main establishment in the Union (Art. 14(7):
		// the CSIRT designated as coordinator there receives notifications).
		MemberState string `yaml:"member_state" json:"member_state,omitempty"`
	} `yaml:"manufacturer" json:"manufacturer"`
	Product struct {
		ID                 string   `yaml:"id" json:"id"`
		Name               string   `yaml:"name" json:"name"`
		Model              string   `yaml:"model" json:"model"`
		Type               string   `yaml:"type" json:"type,omitempty"`
		Identifiers        []string `yaml:"identifiers" json:"identifiers,omitempty"`
		IntendedPurpose    string   `yaml:"intended_purpose" json:"intended_purpose"`
		EssentialFunctions []string `yaml:"essential_functions" json:"essential_functions,omitempty"`
		HardwareIDs        []string `yaml:"hardware_ids" json:"hardware_ids,omitempty"`
		// PURL names the firmware without a version (pkg:generic/vendor/fw);
		// a release is PURL@version, the product VEX statements name.
		PURL string `yaml:"purl" json:"purl,omitempty"`
		// Licence is the SPDX expression the manufacturer distributes its own
		// files under; the SBOM states it for the vendor's components.
		Licence string `yaml:"licence" json:"licence,omitempty"`
	} `yaml:"product" json:"product"`
	SupportPeriod SupportPeriod `yaml:"support_period" json:"support_period"`
	// Vulnerability handling and user information (Annex I Part II, Annex II).
	SecurityContact     string `yaml:"security_contact" json:"security_contact"`
	CVDPolicyURL        string `yaml:"cvd_policy_url" json:"cvd_policy_url"`
	DoCURL              string `yaml:"declaration_of_conformity_url" json:"declaration_of_conformity_url,omitempty"`
	SBOMURL             string `yaml:"sbom_url" json:"sbom_url,omitempty"`
	UserInstructionsURL string `yaml:"user_instructions_url" json:"user_instructions_url,omitempty"`
	Updates             struct {
		DeliveryModel            string `yaml:"delivery_model" json:"delivery_model"`
		Profile                  string `yaml:"profile" json:"profile"`
		AutomaticSecurityUpdates *bool  `yaml:"automatic_security_updates" json:"automatic_security_updates,omitempty"`
		UserCanPostpone          *bool  `yaml:"user_can_postpone" json:"user_can_postpone,omitempty"`
		RepositoryURL            string `yaml:"repository_url" json:"repository_url,omitempty"`
		// RepositoryURLs are further repositories the devices fetch from; a
		// verifier transcript counts for the product only for one of
		// RepositoryURL and RepositoryURLs.
		RepositoryURLs []string `yaml:"repository_urls" json:"repository_urls,omitempty"`
		// Updater is the device's updater: attack results count for the
		// product only when they name this SHA-256.
		Updater *Updater `yaml:"updater" json:"updater,omitempty"`
		// ArtefactTrust is the trust anchor the device's updater verifies
		// its own artefacts with (RAUC keyring, SWUpdate -k, Mender
		// ArtifactVerifyKey); `bundle` verifies RAUC, SWUpdate and Mender
		// artefacts against it.
		ArtefactTrust *ArtefactTrust `yaml:"artefact_trust" json:"artefact_trust,omitempty"`
	} `yaml:"updates" json:"updates"`
	// Standards lists what the manufacturer applied (Annex VII point 5): a
	// plain string, or a mapping with kind and full/partial application.
	Standards []Standard `yaml:"standards" json:"standards,omitempty"`
	// ArchitectureDescription is a file, relative to product.yaml, that
	// describes the system architecture (Annex VII point 2(a)); `bundle`
	// pins it as evidence with role "architecture".
	ArchitectureDescription string `yaml:"architecture_description" json:"architecture_description,omitempty"`
	// Declaration holds what the EU declaration of conformity needs beyond
	// the rest of this file (Annex V); nil means none is prepared.
	Declaration *ConformityDeclaration `yaml:"declaration" json:"declaration,omitempty"`
	// UserInformation holds the Annex II instructions for users.
	UserInformation *UserInformation `yaml:"user_information" json:"user_information,omitempty"`
}

// Updater names the updater the device ships.
type Updater struct {
	Name    string `yaml:"name" json:"name"`
	Version string `yaml:"version" json:"version,omitempty"`
	// SHA256 is the digest of the executable (or script) as shipped.
	SHA256 string `yaml:"sha256" json:"sha256"`
}

// ArtefactTrust names the anchor files, relative to product.yaml: a PEM
// file of CA certificates (CMS-signed RAUC bundles and SWUpdate archives)
// and / or a PEM public key (Mender artefacts, SWUpdate RSA mode).
type ArtefactTrust struct {
	CA  string `yaml:"ca" json:"ca,omitempty"`
	Key string `yaml:"key" json:"key,omitempty"`
}

// Repositories returns every declared repository URL, RepositoryURL first.
func (p *Product) Repositories() []string {
	var out []string
	if p.Updates.RepositoryURL != "" {
		out = append(out, p.Updates.RepositoryURL)
	}
	for _, u := range p.Updates.RepositoryURLs {
		if u != "" && u != p.Updates.RepositoryURL {
			out = append(out, u)
		}
	}
	return out
}

// SupportPeriod says when support ends. Under the CRA the period of an
// individual unit starts when that unit is placed on the market, so units of
// one model may end at different dates: batches carry their own dates.
type SupportPeriod struct {
	// StartBasis is "unit" or "batch".
	StartBasis string `yaml:"start_basis" json:"start_basis"`
	Years      int    `yaml:"years" json:"years"`
	// ExpectedUseYears is how long the product is expected to be in use.
	// Article 13(8) allows a support period under five years only when the
	// expected use is shorter, and then the period must cover it.
	ExpectedUseYears int     `yaml:"expected_use_years" json:"expected_use_years,omitempty"`
	Justification    string  `yaml:"justification" json:"justification,omitempty"`
	Batches          []Batch `yaml:"batches" json:"batches"`
}

// Batch is a group of units placed on the market together.
type Batch struct {
	ID             string `yaml:"id" json:"id"`
	PlacedOnMarket Date   `yaml:"placed_on_market" json:"placed_on_market"`
	// End, when set, overrides placed_on_market + years.
	End *Date `yaml:"end" json:"end,omitempty"`
}

// EndDate is the last day of support for the batch.
func (b Batch) EndDate(years int) time.Time {
	if b.End != nil {
		return b.End.Time
	}
	return b.PlacedOnMarket.AddDate(years, 0, 0)
}

// Validate reports what makes the file unusable (not what makes the product
// noncompliant: that is the checks' job).
func (p *Product) Validate() error {
	var errs []string
	if strings.TrimSpace(p.Product.ID) == "" {
		errs = append(errs, "product.id is required")
	}
	if strings.TrimSpace(p.Product.Name) == "" {
		errs = append(errs, "product.name is required")
	}
	if strings.TrimSpace(p.Manufacturer.Name) == "" {
		errs = append(errs, "manufacturer.name is required")
	}
	if p.SupportPeriod.ExpectedUseYears < 0 || p.SupportPeriod.ExpectedUseYears > 100 {
		errs = append(errs, fmt.Sprintf("support_period.expected_use_years %d: want 1 to 100 (or leave it out)", p.SupportPeriod.ExpectedUseYears))
	}
	switch p.SupportPeriod.StartBasis {
	case "", "unit", "batch":
	default:
		errs = append(errs, fmt.Sprintf("support_period.start_basis %q: want unit or batch", p.SupportPeriod.StartBasis))
	}
	errs = append(errs, p.validateUpdates()...)
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

// LoadProduct reads and validates product.yaml, returning its exact bytes too.
func LoadProduct(path string) (*Product, []byte, error) {
	var p Product
	b, err := loadYAML(path, &p)
	if err != nil {
		return nil, nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return &p, b, nil
}

// ParseProduct decodes and validates product.yaml bytes.
func ParseProduct(b []byte) (*Product, error) {
	var p Product
	if err := DecodeYAML(b, &p); err != nil {
		return nil, err
	}
	return &p, p.Validate()
}
