package product

import (
	"fmt"
	"path"
	"sort"
	"strings"
)

// Answers is answers.yaml: the manufacturer's declarations for controls no
// tool can observe from the release (how keys are stored, how releases are
// approved, whether installation is atomic, what is logged).
type Answers struct {
	Declarations []Declaration `yaml:"declarations" json:"declarations"`
}

// Declaration answers one control. Evidence files are copied into the bundle
// and hash-pinned; a declaration without evidence is reported as such.
type Declaration struct {
	// Control is the ID of the declaration check it answers, e.g. "declare/key-storage".
	Control   string   `yaml:"control" json:"control"`
	Status    string   `yaml:"status" json:"status"` // implemented, partial, not_implemented, not_applicable, open
	Statement string   `yaml:"statement" json:"statement"`
	Evidence  []string `yaml:"evidence" json:"evidence,omitempty"`
	Owner     string   `yaml:"owner" json:"owner,omitempty"`
	// Justification is required for not_applicable.
	Justification string `yaml:"justification" json:"justification,omitempty"`
}

var declStatuses = map[string]bool{"implemented": true, "partial": true, "not_implemented": true, "not_applicable": true, "open": true, "": true}

// Validate reports what makes answers.yaml unusable.
func (a *Answers) Validate() error {
	seen := map[string]bool{}
	for i, d := range a.Declarations {
		if d.Control == "" {
			return fmt.Errorf("declarations[%d]: control is required", i)
		}
		if seen[d.Control] {
			return fmt.Errorf("declarations[%d]: control %q declared twice", i, d.Control)
		}
		seen[d.Control] = true
		if !declStatuses[d.Status] {
			return fmt.Errorf("declarations[%d] (%s): status %q: want implemented, partial, not_implemented, not_applicable or open", i, d.Control, d.Status)
		}
		for _, e := range d.Evidence {
			if !LocalPath(e) {
				return fmt.Errorf("declarations[%d] (%s): evidence path %q must be relative and stay inside the answers folder", i, d.Control, e)
			}
		}
	}
	return nil
}

// LocalPath reports whether p is a relative slash path that stays inside its folder.
func LocalPath(p string) bool {
	if p == "" || strings.Contains(p, "\\") || path.IsAbs(p) {
		return false
	}
	c := path.Clean(p)
	return c != "." && c != ".." && !strings.HasPrefix(c, "../")
}

// Find returns the declaration for a control.
func (a *Answers) Find(control string) (Declaration, bool) {
	if a == nil {
		return Declaration{}, false
	}
	for _, d := range a.Declarations {
		if d.Control == control {
			return d, true
		}
	}
	return Declaration{}, false
}

// EvidenceFiles lists every evidence path, sorted and unique.
func (a *Answers) EvidenceFiles() []string {
	set := map[string]bool{}
	for _, d := range a.Declarations {
		for _, e := range d.Evidence {
			set[path.Clean(e)] = true
		}
	}
	out := make([]string, 0, len(set))
	for e := range set {
		out = append(out, e)
	}
	sort.Strings(out)
	return out
}

// LoadAnswers reads and validates answers.yaml, returning its exact bytes too.
func LoadAnswers(p string) (*Answers, []byte, error) {
	var a Answers
	b, err := loadYAML(p, &a)
	if err != nil {
		return nil, nil, err
	}
	if err := a.Validate(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", p, err)
	}
	return &a, b, nil
}

// ParseAnswers decodes and validates answers.yaml bytes.
func ParseAnswers(b []byte) (*Answers, error) {
	var a Answers
	if err := DecodeYAML(b, &a); err != nil {
		return nil, err
	}
	return &a, a.Validate()
}
