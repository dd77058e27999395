package reports

import (
	"strings"
	"unicode/utf8"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
)

// MaxArchitectureText bounds the architecture description a report quotes;
// a longer or binary file is cited by reference only.
const MaxArchitectureText = 16 << 10

// collectArchitecture finds the architecture description the bundle pins
// (role architecture) and keeps its text when it is short UTF-8 text.
func (d *Data) collectArchitecture(in *checks.Input) {
	fs := d.itemsWithRole(bundle.RoleArchitecture)
	if len(fs) == 0 {
		return
	}
	f := fs[0]
	d.Architecture = &f
	b, err := in.Read(f.Path)
	if err != nil {
		d.note("%s: %v", f.Path, err)
		return
	}
	if len(b) <= MaxArchitectureText && utf8.Valid(b) {
		d.ArchitectureText = string(b)
	}
}

// SelfTest reports whether a result only judges files craudit wrote itself
// while bundling (its own bundle index, the manifest it generated from
// release.yaml, the SBOM and the scan it produced), with nothing the
// manufacturer supplied beyond key material. Such a pass shows that craudit
// did its own work consistently; it says little about the product, so the
// opinion counts it apart.
func SelfTest(r checks.Result) bool {
	own, other := 0, 0
	for _, e := range r.Evidence {
		p := strings.TrimPrefix(e.Path, "bundle/")
		switch {
		case p == bundle.IndexFile, p == bundle.ManifestFile, p == bundle.ManifestSig, p == bundle.SBOMFile, p == bundle.VulnsFile:
			own++
		case strings.HasPrefix(p, "keys/"):
		default:
			other++
		}
	}
	if strings.HasPrefix(r.Check, "bundle/") {
		return other == 0
	}
	return own > 0 && other == 0
}
