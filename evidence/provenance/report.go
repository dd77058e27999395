package provenance

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/craudit/craudit/evidence/bundle"
)

// ReportSchema identifies the JSON form of a Report (the output of
// `craudit provenance verify`). Fields are only ever added, never renamed.
const ReportSchema = "https://craudit.dev/schema/provenance-verify/v1"

// Trust names the trust material a file was verified with: the signer key's
// ID and the Sigstore trusted root's path. Both empty: nothing could be
// verified.
type Trust struct {
	Key         string `json:"key,omitempty"`
	TrustedRoot string `json:"trusted_root,omitempty"`
}

// Report is the verification of one provenance file against one artefact,
// as gathered evidence: what was checked with which trust material at which
// reference time, and the verdict. A file that does not parse is not an
// error here: it is a Report with Problem set and Verified false.
type Report struct {
	Schema        string              `json:"schema"`
	Provenance    string              `json:"provenance"`
	Artefact      Artefact            `json:"artefact"`
	ReferenceTime time.Time           `json:"reference_time"`
	Trust         Trust               `json:"trust"`
	Verified      bool                `json:"verified"`
	Problem       string              `json:"problem,omitempty"`
	Properties    []Property          `json:"properties"`
	Attestations  []AttestationResult `json:"attestations"`
}

// VerifyReport verifies the provenance file data (named name in the report)
// with the options o and sums the outcome up as a Report. The reference time
// is o.At; the artefact is o.Artefacts[0] when given; trust names the trust
// material for the reader (o carries the material itself). It never fails:
// a parse error is the report's Problem.
func VerifyReport(name string, data []byte, o VerifyOptions, trust Trust) Report {
	rep := Report{Schema: ReportSchema, Provenance: name, ReferenceTime: o.At.UTC(), Trust: trust}
	if len(o.Artefacts) > 0 {
		rep.Artefact = o.Artefacts[0]
	}
	res, err := Verify(data, o)
	if err != nil {
		rep.Problem = fmt.Sprintf("%s: %v", name, err)
		return rep
	}
	rep.Verified = res.Verified()
	rep.Properties, rep.Attestations = res.Properties, res.Attestations
	return rep
}

// HashFile returns the artefact at path, named by its base name, with its
// SHA-256 and SHA-512 digests. It refuses anything but a regular file.
func HashFile(path string) (Artefact, error) {
	fh, err := os.Open(path)
	if err != nil {
		return Artefact{}, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return Artefact{}, err
	}
	if !st.Mode().IsRegular() {
		return Artefact{}, fmt.Errorf("%s: not a regular file", path)
	}
	d, err := bundle.HashCopy(nil, fh)
	if err != nil {
		return Artefact{}, fmt.Errorf("%s: %w", path, err)
	}
	return Artefact{Name: filepath.Base(path), SHA256: d.SHA256, SHA512: d.SHA512}, nil
}

// ReadFile reads a provenance file of at most MaxFile bytes; a larger one is
// refused with ErrTooLarge before it is read in full.
func ReadFile(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, MaxFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > MaxFile {
		return nil, fmt.Errorf("%s: %w: larger than %d bytes", path, ErrTooLarge, MaxFile)
	}
	return b, nil
}

// JSON encodes the report, indented, with a trailing newline.
func (r Report) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteText prints the report for a person: what was verified with what,
// each property, each attestation, and the verdict last.
func (r Report) WriteText(out io.Writer) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	trust := "none (nothing can be verified)"
	switch {
	case r.Trust.Key != "" && r.Trust.TrustedRoot != "":
		trust = "key " + r.Trust.Key + ", Sigstore trusted root " + r.Trust.TrustedRoot
	case r.Trust.Key != "":
		trust = "key " + r.Trust.Key
	case r.Trust.TrustedRoot != "":
		trust = "Sigstore trusted root " + r.Trust.TrustedRoot
	}
	fmt.Fprintf(tw, "provenance\t%s\n", r.Provenance)
	fmt.Fprintf(tw, "artefact\t%s sha256:%s\n", r.Artefact.Name, r.Artefact.SHA256)
	fmt.Fprintf(tw, "trust\t%s\n", trust)
	fmt.Fprintf(tw, "reference time\t%s\n", r.ReferenceTime.Format(time.RFC3339))
	if r.Problem != "" {
		fmt.Fprintf(tw, "problem\t%s\n", r.Problem)
	}
	fmt.Fprintln(tw)
	for _, p := range r.Properties {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", p.Name, strings.ReplaceAll(string(p.State), "_", " "), p.Detail)
	}
	for i, a := range r.Attestations {
		kind := string(a.Kind)
		if a.BundleVersion != "" {
			kind += " " + a.BundleVersion
		}
		fmt.Fprintf(tw, "\nattestation %d\t%s\t%s %s\n", i+1, kind, a.StatementType, a.PredicateType)
		if a.BuilderID != "" {
			fmt.Fprintf(tw, "  builder\t%s\n", a.BuilderID)
		}
		if a.Signer != "" {
			fmt.Fprintf(tw, "  signer\t%s\n", a.Signer)
		}
		for _, m := range a.Materials {
			fmt.Fprintf(tw, "  material\t%s\n", m.URI)
		}
	}
	verdict := "VERIFIED"
	if !r.Verified {
		verdict = "NOT VERIFIED"
	}
	fmt.Fprintf(tw, "\nresult\t%s\n", verdict)
	return tw.Flush()
}
