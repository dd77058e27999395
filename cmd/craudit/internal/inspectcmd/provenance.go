package inspectcmd

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/provenance"
)

// ProvenanceCmd is `craudit provenance`: verifying build provenance for an artefact.
func ProvenanceCmd() *cobra.Command {
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
	at, _, err := cli.ReferenceTime(f.refTime, cli.WallClock)
	if err != nil {
		return couldNotRun(err)
	}
	o := provenance.VerifyOptions{BuilderID: f.builderID, SourceURI: f.sourceURI, At: at}
	trust := provenance.Trust{TrustedRoot: f.trustedRoot}
	if f.key != "" {
		k, err := keys.LoadPublic(f.key)
		if err != nil {
			return couldNotRun(err)
		}
		o.Keys, trust.Key = []*keys.PublicKey{k}, k.ID()
	}
	if f.trustedRoot != "" {
		if o.TrustedRoot, err = provenance.LoadTrustedRoot(f.trustedRoot); err != nil {
			return couldNotRun(err)
		}
	}
	art, err := provenance.HashFile(f.artefact)
	if err != nil {
		return couldNotRun(err)
	}
	o.Artefacts = []provenance.Artefact{art}
	data, err := provenance.ReadFile(f.provenance)
	if err != nil {
		return couldNotRun(err)
	}
	// Judging: a file that does not parse is a verification failure (exit 1).
	rep := provenance.VerifyReport(f.provenance, data, o, trust)
	if f.format == "json" {
		b, err := rep.JSON()
		if err == nil {
			_, err = out.Write(b)
		}
		if err != nil {
			return couldNotRun(err)
		}
	} else if err := rep.WriteText(out); err != nil {
		return couldNotRun(err)
	}
	if !rep.Verified {
		return exitCode(1)
	}
	return nil
}
