package product

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Kinds of specification (Annex VII point 5).
const (
	StandardHarmonised    = "harmonised-standard"
	StandardCommonSpec    = "common-specification"
	StandardCertification = "certification-scheme"
	StandardOther         = "other"
)

// Applications of a specification.
const (
	ApplicationFull    = "full"
	ApplicationPartial = "partial"
)

// Standard is one specification the manufacturer applied. In YAML it is a
// plain string (kind other, application not stated) or a mapping.
type Standard struct {
	ID    string `yaml:"id" json:"id"`
	Title string `yaml:"title" json:"title,omitempty"`
	// Kind is one of the Standard* constants; empty means not stated.
	Kind string `yaml:"kind" json:"kind,omitempty"`
	// Application is full or partial; empty means not stated.
	Application string `yaml:"application" json:"application,omitempty"`
	// Parts names the parts applied when Application is partial.
	Parts []string `yaml:"parts" json:"parts,omitempty"`
}

// UnmarshalYAML accepts a plain string or a mapping.
func (s *Standard) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		var id string
		if err := n.Decode(&id); err != nil {
			return err
		}
		*s = Standard{ID: id}
		return nil
	}
	type plain Standard
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	switch p.Kind {
	case "", StandardHarmonised, StandardCommonSpec, StandardCertification, StandardOther:
	default:
		return fmt.Errorf("line %d: standards kind %q: want %s, %s, %s or %s", n.Line, p.Kind, StandardHarmonised, StandardCommonSpec, StandardCertification, StandardOther)
	}
	switch p.Application {
	case "", ApplicationFull, ApplicationPartial:
	default:
		return fmt.Errorf("line %d: standards application %q: want full or partial", n.Line, p.Application)
	}
	*s = Standard(p)
	return nil
}
