package paperworkcmd

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/reports/dossier"
	"github.com/craudit/craudit/reports/paperwork"
)

// bundleFlags open the verified bundle the paperwork is drafted from.
type bundleFlags struct {
	trust, refTime, out string
	force               bool
}

func (f *bundleFlags) register(c *cobra.Command, out string) {
	c.Flags().StringVar(&f.trust, "trust", "", "the manufacturer's root public key")
	c.Flags().StringVar(&f.refTime, "reference-time", "", "verify the bundle at this RFC 3339 time, which also dates the documents (default: now)")
	c.Flags().StringVar(&f.out, "out", "", out)
	c.Flags().BoolVar(&f.force, "force", false, "replace existing output")
}

// open verifies the bundle; a bundle that fails verification is exit 1:
// nothing is drafted from evidence that cannot be trusted.
func (f *bundleFlags) open(dir string) (*checks.Input, time.Time, error) {
	if f.out == "" {
		return nil, time.Time{}, cli.Exit(cli.ExitCouldNotRun, errors.New("--out is required"))
	}
	if f.trust == "" {
		return nil, time.Time{}, cli.Exit(cli.ExitCouldNotRun, errors.New("--trust is required (the manufacturer's root public key)"))
	}
	root, err := keys.LoadPublic(f.trust)
	if err != nil {
		return nil, time.Time{}, cli.Exit(cli.ExitCouldNotRun, err)
	}
	at, _, err := cli.ReferenceTime(f.refTime, cli.WallClock)
	if err != nil {
		return nil, time.Time{}, cli.Exit(cli.ExitCouldNotRun, err)
	}
	b, err := bundle.Open(dir, bundle.VerifyOptions{Root: root, At: at})
	if err != nil {
		return nil, time.Time{}, cli.Exit(cli.ExitCouldNotRun, err)
	}
	if !b.OK() {
		p := b.Problems[0]
		return nil, time.Time{}, cli.Exit(cli.ExitFailed, fmt.Errorf("%s: bundle failed verification (%s: %s): nothing drafted from it", dir, p.Path, p.Reason))
	}
	in := checks.Load(b, root, at, nil)
	if err, bad := in.ParseErrs[bundle.ProductFile]; bad {
		return nil, time.Time{}, cli.Exit(cli.ExitCouldNotRun, fmt.Errorf("%s/%s: %v", dir, bundle.ProductFile, err))
	}
	if in.Product == nil {
		return nil, time.Time{}, cli.Exit(cli.ExitCouldNotRun, fmt.Errorf("%s: the bundle has no product.yaml", dir))
	}
	return in, at, nil
}

// missingExit reports MISSING fields: the documents are written and show
// them, and the run ends with exit 1 (noncompliance found).
func missingExit(cmd *cobra.Command, what string, missing []string) error {
	if len(missing) == 0 {
		return nil
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "%s shows MISSING for: %s\n", what, strings.Join(missing, ", "))
	return cli.Exit(cli.ExitFailed, nil)
}

// NotifyCmd is `craudit notify`.
func NotifyCmd(tool checks.Tool) *cobra.Command {
	var f bundleFlags
	var vulnID, kind, awareAt, notifiedAt string
	var incident bool
	c := &cobra.Command{
		Use:   "notify BUNDLE --trust ROOT.pub --vulnerability ID --aware-at TIME --kind KIND --out DIR",
		Short: "Draft a CRA Art. 14 notification (early warning, notification, final report); nothing is sent",
		Long: `Drafts the Art. 14 notification of an actively exploited vulnerability (Art. 14(2)) or,
with --incident, of a severe incident (Art. 14(4)) from the verified bundle, as JSON and
Markdown in DIR (art14-ID-KIND.json and .md). The draft names every item the article asks
for, fills what the evidence holds (product and release, affected components and VEX
statements, the known-exploited catalogue's verdict, the corrective measures) and marks
the rest TO COMPLETE. Deadlines: early warning 24 h and notification 72 h after --aware-at;
the vulnerability final report 14 days after the fix became available (the release date:
the signed manifest's timestamp, when the VEX says this release fixes it); the incident
final report one month after the incident notification (--notified-at, else 72 h after
--aware-at). The recipient is the CSIRT of manufacturer.member_state from craudit's table
(entries not checked against the member state's designation are marked unverified).
Nothing is sent: submission goes through ENISA's single reporting platform (Art. 16).`,
		Example: `  craudit notify bundle --trust keys/root.pub --vulnerability CVE-2024-2511 \
      --aware-at 2026-12-01T08:00:00Z --kind early-warning --out paperwork
  craudit notify bundle --trust keys/root.pub --incident --aware-at 2026-12-01T08:00:00Z \
      --kind final-report --notified-at 2026-12-03T10:00:00Z --out paperwork`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := paperwork.NotifyOptions{Vulnerability: vulnID, Kind: kind, Incident: incident, Tool: tool}
			var err error
			if o.AwareAt, err = parseTime("--aware-at", awareAt, true); err != nil {
				return cli.Exit(cli.ExitCouldNotRun, err)
			}
			if o.NotifiedAt, err = parseTime("--notified-at", notifiedAt, false); err != nil {
				return cli.Exit(cli.ExitCouldNotRun, err)
			}
			if _, err := paperwork.ComputeDeadline(paperwork.DeadlineInput{Kind: kind}); err != nil {
				return cli.Exit(cli.ExitCouldNotRun, fmt.Errorf("--kind: %w", err))
			}
			if vulnID == "" && !incident {
				return cli.Exit(cli.ExitCouldNotRun, paperwork.ErrVulnerabilityRequired)
			}
			in, at, err := f.open(args[0])
			if err != nil {
				return err
			}
			o.Now = at
			d, err := paperwork.BuildDraft(in, o)
			if err != nil {
				return cli.Exit(cli.ExitCouldNotRun, err)
			}
			base := d.FileBase()
			if err := paperwork.WriteFiles(f.out, map[string][]byte{base + ".json": d.JSON(), base + ".md": d.Markdown()}, f.force); err != nil {
				return cli.Exit(cli.ExitCouldNotRun, err)
			}
			due := d.Deadline.Basis
			if !d.Deadline.At.IsZero() {
				due = d.Deadline.At.Format(time.RFC3339)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "DRAFT %s written to %s (not sent); %s due %s; recipient %s\n", base, f.out, d.Deadline.Article, due, d.Recipient.CSIRT)
			return nil
		},
	}
	f.register(c, "the folder to write the draft into (made if absent)")
	c.Flags().StringVar(&vulnID, "vulnerability", "", "the vulnerability's ID (CVE, GHSA, OSV or an alias the scan knows)")
	c.Flags().StringVar(&kind, "kind", "", "early-warning, notification or final-report")
	c.Flags().StringVar(&awareAt, "aware-at", "", "when the manufacturer became aware (RFC 3339)")
	c.Flags().StringVar(&notifiedAt, "notified-at", "", "severe incident final report: when the incident notification was submitted (RFC 3339)")
	c.Flags().BoolVar(&incident, "incident", false, "a severe incident having an impact on the product's security (Art. 14(3), (4))")
	return c
}

func parseTime(flag, v string, required bool) (time.Time, error) {
	if v == "" {
		if required {
			return time.Time{}, fmt.Errorf("%s is required (RFC 3339, e.g. 2026-12-01T08:00:00Z)", flag)
		}
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: want RFC 3339, e.g. 2026-12-01T08:00:00Z", flag, v)
	}
	return t.UTC(), nil
}

// DeclarationCmd is `craudit declaration`.
func DeclarationCmd(tool checks.Tool) *cobra.Command {
	var f bundleFlags
	var simplified bool
	var signingKey, keyCert, passEnv string
	c := &cobra.Command{
		Use:   "declaration BUNDLE --trust ROOT.pub --signing-key KEY --out DIR",
		Short: "Render the EU declaration of conformity (Annex V, or Annex VI with --simplified)",
		Long: `Renders the EU declaration of conformity from product.yaml and release.yaml of the
verified bundle as HTML, PDF and Markdown (declaration-of-conformity.*) in the new folder
DIR, signed like a dossier: signer.pub, SHA256SUMS over every file and SHA256SUMS.sig by
--signing-key ('craudit dossier verify DIR --integrity-only', or sha256sum -c and openssl,
check it). Every Annex V item is shown; a field product.yaml lacks is shown as MISSING,
never invented, and the run then ends with exit 1. The date of issue is the reference time.`,
		Example: `  craudit declaration bundle --trust keys/root.pub --signing-key keys/vendor.key \
      --key-cert keys/vendor.cert.json --out paperwork/declaration
  craudit declaration bundle --trust keys/root.pub --signing-key keys/vendor.key --simplified --out doc-short`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if signingKey == "" {
				return cli.Exit(cli.ExitCouldNotRun, errors.New("--signing-key is required (it signs SHA256SUMS, as for a dossier)"))
			}
			in, at, err := f.open(args[0])
			if err != nil {
				return err
			}
			signer, err := cli.LoadSigningKey(cmd, signingKey, passEnv)
			if err != nil {
				return cli.Exit(cli.ExitCouldNotRun, err)
			}
			defer signer.Close()
			files, missing, err := paperwork.DeclarationFiles(in, simplified, at, tool)
			if err != nil {
				return cli.Exit(cli.ExitCouldNotRun, err)
			}
			if err := dossier.WriteSigned(f.out, f.force, files, signer, keyCert); err != nil {
				return cli.Exit(cli.ExitCouldNotRun, err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "declaration of conformity written to %s (signed)\n", f.out)
			return missingExit(cmd, "the declaration", missing)
		},
	}
	f.register(c, "the folder to create")
	c.Flags().BoolVar(&simplified, "simplified", false, "the simplified declaration of Annex VI (it points to the full one at declaration_of_conformity_url)")
	c.Flags().StringVar(&signingKey, "signing-key", "", "the key that signs SHA256SUMS: a PEM file or a pkcs11: URI")
	c.Flags().StringVar(&keyCert, "key-cert", "", "the signing key's certificate by the root key (CERT.sig beside it)")
	cli.AddPassphraseEnvFlag(c, &passEnv)
	return c
}

// UserInfoCmd is `craudit user-info`.
func UserInfoCmd() *cobra.Command {
	var f bundleFlags
	c := &cobra.Command{
		Use:   "user-info BUNDLE --trust ROOT.pub --out DIR",
		Short: "Render the Annex II information for users (HTML and Markdown)",
		Long: `Renders the information and instructions for users of CRA Annex II, all nine points,
from product.yaml and release.yaml of the verified bundle: the support end date per batch
(month and year, Art. 13(19)), how to install security updates (point 8(c)) and how users
are told that support ends. Writes user-information.html and .md into DIR (made if
absent). A field product.yaml lacks is shown as MISSING, and the run then ends with exit 1.`,
		Example: `  craudit user-info bundle --trust keys/root.pub --out paperwork`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, at, err := f.open(args[0])
			if err != nil {
				return err
			}
			files, missing, err := paperwork.UserInfoFiles(in, at)
			if err != nil {
				return cli.Exit(cli.ExitCouldNotRun, err)
			}
			if err := paperwork.WriteFiles(f.out, files, f.force); err != nil {
				return cli.Exit(cli.ExitCouldNotRun, err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "user information written to %s\n", f.out)
			return missingExit(cmd, "the user information", missing)
		},
	}
	f.register(c, "the folder to write into (made if absent)")
	return c
}
