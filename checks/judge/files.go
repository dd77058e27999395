package judge

import (
	"fmt"
	"io"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/attest"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/evidence/transcript"
)

// LiveFiles are live-evidence files given on the command line
// (--transcript, --attack-results); empty paths are not given. Repo is the
// --repo a transcript is gathered from instead, if any.
type LiveFiles struct {
	Transcript, AttackResults, Repo string
}

// Read reads the files given, bounded, keyed by their evidence path
// (live/transcript.json, live/attack-results.json). It judges nothing: a
// judging command's checks decode and authenticate them.
func (f LiveFiles) Read() (map[string][]byte, error) {
	if f.Repo != "" && f.Transcript != "" {
		return nil, fmt.Errorf("--repo and --transcript both give the verifier transcript: use one")
	}
	live := map[string][]byte{}
	for _, x := range []struct{ path, dst string }{{f.Transcript, bundle.TranscriptFile}, {f.AttackResults, bundle.AttackFile}} {
		if x.path == "" {
			continue
		}
		b, err := attest.ReadFile(x.path)
		if err != nil {
			return nil, err
		}
		live[x.dst] = b
	}
	return live, nil
}

// Check decodes the files given as a producing command must before taking
// them in: an error names the file that is not an attestation or document
// of its format. For a file that is plain JSON, unsigned, it writes a note
// to w: the checks will judge it as a finding, never a pass.
func (f LiveFiles) Check(w io.Writer) error {
	for _, x := range []struct {
		path string
		read func([]byte) (bool, error)
	}{
		{f.Transcript, func(b []byte) (bool, error) { r, err := transcript.ReadFile(b); return err == nil && r.Signed(), err }},
		{f.AttackResults, func(b []byte) (bool, error) { r, err := attackrun.ReadFile(b); return err == nil && r.Signed(), err }},
	} {
		if x.path == "" {
			continue
		}
		b, err := attest.ReadFile(x.path)
		if err != nil {
			return err
		}
		signed, err := x.read(b)
		if err != nil {
			return fmt.Errorf("%s: %w", x.path, err)
		}
		if !signed {
			fmt.Fprintf(w, "note: %s is unsigned live evidence: the checks judge it as a finding, never a pass\n", x.path)
		}
	}
	return nil
}

// Policy reads policy.yaml; an empty path is the default policy (and nil
// bytes). The bytes are what a dossier encloses to be judged again.
func Policy(path string) (*checks.Policy, []byte, error) {
	if path == "" {
		return checks.DefaultPolicy(), nil, nil
	}
	b, err := product.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	p, err := checks.ParsePolicy(b)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, b, nil
}
