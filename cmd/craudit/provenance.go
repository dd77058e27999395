package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/provenance"
)

// provenanceVerifySchema identifies the JSON output of `provenance verify`.
const provenanceVerifySchema = "https://craudit.dev/schema/provenance-verify/v1"

func newProvenanceCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "provenance",
		Short: "Work with build provenance (in-toto / SLSA, DSSE, Sigstore bundles)",
		Example: `  craudit provenance verify --artefact fw.bin --provenance fw.intoto.jsonl --trusted-root trusted_root.json \
    --builder-id https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0`,
		Args: cobra.NoArgs,
	}
	c.AddCommand(newProvenanceVerifyCmd())
	return c
}

type provenanceVerifyFlags struct {
	artefact, provenance, key, trustedRoot string
	builderID, sourceURI, refTime, format  string
}

func newProvenanceVerifyCmd() *cobra.Command {
	var f provenanceVerifyFlags
	c := &cobra.Command{
		Use:   "verify",
		Short: "Verify that provenance is signed by a trusted party and describes an artefact",
		Long: `Verifies one provenance file against one artefact: the signature (a DSSE envelope
with --key; a Sigstore bundle offline against --trusted-root, or with --key when it
was signed with a managed key), that a subject digest equals the artefact's digest,
that the predicate is SLSA provenance (v0.2 or v1, in an in-toto Statement v0.1 or
v1), and the builder and source when --builder-id / --source-uri are given.

Accepted files: a DSSE envelope, a .intoto.jsonl file (one envelope or Sigstore
bundle per line), a Sigstore bundle (v0.1 to v0.3).

Exit codes: 0 verified; 1 not verified (a property failed, the file is damaged, or
no trust material was given so nothing could be verified); 2 could not run.`,
		Example: `  craudit provenance verify --artefact fw.bin --provenance fw.intoto.jsonl --key build.pub
  craudit provenance verify --artefact hello --provenance hello.build.slsa --trusted-root trusted_root.json \
    --source-uri github.com/slsa-framework/example-package --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runProvenanceVerify(cmd.OutOrStdout(), f) },
	}
	fl := c.Flags()
	fl.StringVar(&f.artefact, "artefact", "", "the artefact the provenance must describe (required)")
	fl.StringVar(&f.provenance, "provenance", "", "the provenance file (required)")
	fl.StringVar(&f.key, "key", "", "trusted public key (PEM) of the signer")
	fl.StringVar(&f.trustedRoot, "trusted-root", "", "Sigstore trusted_root.json for offline verification of Sigstore bundles")
	fl.StringVar(&f.builderID, "builder-id", "", "expected builder ID (exact)")
	fl.StringVar(&f.sourceURI, "source-uri", "", "expected source repository, e.g. github.com/org/repo")
	fl.StringVar(&f.refTime, "reference-time", "", "reference time (RFC 3339) reported with the result; default: now")
	fl.StringVar(&f.format, "format", "text", "output format: text or json")
	_ = c.MarkFlagRequired("artefact")
	_ = c.MarkFlagRequired("provenance")
	return c
}

func runProvenanceVerify(out io.Writer, f provenanceVerifyFlags) error {
	if f.format != "text" && f.format != "json" {
		return couldNotRun(fmt.Errorf("--format %q: want text or json", f.format))
	}
	at := time.Now().UTC().Truncate(time.Second)
	if f.refTime != "" {
		t, err := time.Parse(time.RFC3339, f.refTime)
		if err != nil {
			return couldNotRun(fmt.Errorf("--reference-time %q: want RFC 3339, e.g. 2026-11-24T00:00:00Z", f.refTime))
		}
		at = t.UTC()
	}
	o := provenance.VerifyOptions{BuilderID: f.builderID, SourceURI: f.sourceURI, At: at}
	if f.key != "" {
		k, err := keys.LoadPublic(f.key)
		if err != nil {
			return couldNotRun(err)
		}
		o.Keys = []*keys.PublicKey{k}
	}
	if f.trustedRoot != "" {
		tr, err := provenance.LoadTrustedRoot(f.trustedRoot)
		if err != nil {
			return couldNotRun(err)
		}
		o.TrustedRoot = tr
	}
	art, err := hashArtefact(f.artefact)
	if err != nil {
		return couldNotRun(err)
	}
	o.Artefacts = []provenance.Artefact{art}
	data, err := readProvenanceFile(f.provenance)
	if err != nil {
		return couldNotRun(err)
	}
	res, verr := provenance.Verify(data, o)
	rep := provenanceReport{Schema: provenanceVerifySchema, Provenance: f.provenance, Artefact: art, ReferenceTime: at,
		Trust: provenanceTrust{TrustedRoot: f.trustedRoot}}
	if len(o.Keys) > 0 {
		rep.Trust.Key = o.Keys[0].ID()
	}
	if verr != nil {
		// Judging: a file that does not parse is a verification failure.
		rep.Problem = fmt.Sprintf("%s: %v", f.provenance, verr)
	} else {
		rep.Verified = res.Verified()
		rep.Properties, rep.Attestations = res.Properties, res.Attestations
	}
	if f.format == "json" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return couldNotRun(err)
		}
		if _, err := out.Write(append(b, '\n')); err != nil {
			return couldNotRun(err)
		}
	} else if err := rep.writeText(out); err != nil {
		return couldNotRun(err)
	}
	if !rep.Verified {
		return exitCode(1)
	}
	return nil
}

func hashArtefact(p string) (provenance.Artefact, error) {
	fh, err := os.Open(p)
	if err != nil {
		return provenance.Artefact{}, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return provenance.Artefact{}, err
	}
	if !st.Mode().IsRegular() {
		return provenance.Artefact{}, fmt.Errorf("%s: not a regular file", p)
	}
	d, err := bundle.HashCopy(nil, fh)
	if err != nil {
		return provenance.Artefact{}, fmt.Errorf("%s: %w", p, err)
	}
	return provenance.Artefact{Name: filepath.Base(p), SHA256: d.SHA256, SHA512: d.SHA512}, nil
}

func readProvenanceFile(p string) ([]byte, error) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, provenance.MaxFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if len(b) > provenance.MaxFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", p, provenance.MaxFile)
	}
	return b, nil
}

type provenanceTrust struct {
	Key         string `json:"key,omitempty"`
	TrustedRoot string `json:"trusted_root,omitempty"`
}

type provenanceReport struct {
	Schema        string                         `json:"schema"`
	Provenance    string                         `json:"provenance"`
	Artefact      provenance.Artefact            `json:"artefact"`
	ReferenceTime time.Time                      `json:"reference_time"`
	Trust         provenanceTrust                `json:"trust"`
	Verified      bool                           `json:"verified"`
	Problem       string                         `json:"problem,omitempty"`
	Properties    []provenance.Property          `json:"properties"`
	Attestations  []provenance.AttestationResult `json:"attestations"`
}

func (r provenanceReport) writeText(out io.Writer) error {
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
