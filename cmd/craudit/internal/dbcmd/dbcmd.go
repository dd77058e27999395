package dbcmd

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/sbom"
	"github.com/craudit/craudit/evidence/vuln"
	"github.com/craudit/craudit/evidence/vuln/dbsync"
)

// New returns `craudit db` with its subcommands.
func New() *cobra.Command {
	c := &cobra.Command{
		Use:   "db",
		Short: "Keep the offline OSV database: status, import, update",
		Long: `The offline OSV database that bundle --osv-db scans against is a folder laid out
as osv-scanner's offline mode reads it: DIR/osv-scalibr/<Ecosystem>/all.zip, plus
DIR/SOURCE saying where the records came from.`,
		Example: `  craudit db update --osv-db osv-db --ecosystem Alpine --ecosystem Go
  craudit db status --osv-db osv-db --sbom sbom.cdx.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return couldNotRun(errors.New("want a subcommand: status, import or update"))
		},
	}
	c.AddCommand(newDBStatusCmd(), newDBImportCmd(), newDBUpdateCmd())
	return c
}

func couldNotRun(err error) error { return cli.Exit(cli.ExitCouldNotRun, err) }
func failed(err error) error      { return cli.Exit(cli.ExitFailed, err) }

func newDBStatusCmd() *cobra.Command {
	var dir, sbomPath, format, refTime string
	c := &cobra.Command{
		Use:   "status --osv-db DIR [--sbom FILE]",
		Short: "Ecosystems, record counts, newest record and age; what an SBOM needs",
		Long: `Lists the database's ecosystems with their record counts, newest record date and age
at --reference-time (default: now). Records without a usable date make an ecosystem's
age unknown. Given an SBOM, says which ecosystems its components need and exits 1 when
one is missing, empty or of unknown age (the scan would not cover those components, or
vuln/db-fresh would fail).`,
		Example: `  craudit db status --osv-db osv-db
  craudit db status --osv-db osv-db --sbom bundle/sbom.cdx.json --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return couldNotRun(errors.New("--osv-db is required"))
			}
			if format != "text" && format != "json" {
				return couldNotRun(fmt.Errorf("--format %q: want text or json", format))
			}
			at, _, err := cli.ReferenceTime(refTime, cli.WallClock)
			if err != nil {
				return couldNotRun(err)
			}
			var doc *sbom.Document
			if sbomPath != "" {
				b, err := os.ReadFile(sbomPath)
				if err != nil {
					return couldNotRun(err)
				}
				if doc, err = sbom.Decode(b); err != nil {
					return couldNotRun(fmt.Errorf("%s: %w", sbomPath, err))
				}
			}
			if _, err := os.Stat(dir); err != nil {
				return couldNotRun(err)
			}
			st, err := dbsync.ReadStatus(dir, doc, at)
			if errors.Is(err, vuln.ErrNoDatabase) {
				return failed(err)
			} else if err != nil {
				return couldNotRun(err)
			}
			if format == "json" {
				b, _ := json.MarshalIndent(st, "", "  ")
				cmd.OutOrStdout().Write(append(b, '\n'))
			} else {
				fmt.Fprint(cmd.OutOrStdout(), st.Text())
			}
			if len(st.Problems) > 0 {
				return failed(fmt.Errorf("the database cannot serve %s: %d problems", sbomPath, len(st.Problems)))
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&dir, "osv-db", "", "the OSV database folder")
	f.StringVar(&sbomPath, "sbom", "", "an SBOM (CycloneDX or SPDX JSON) whose ecosystems must be in the database")
	f.StringVar(&format, "format", "text", "text or json")
	f.StringVar(&refTime, "reference-time", "", "judge ages at this RFC 3339 time (default: now)")
	return c
}

func newDBImportCmd() *cobra.Command {
	var dir string
	c := &cobra.Command{
		Use:   "import --osv-db DIR FILE...",
		Short: "Import OSV records: all.zip files, folders of OSV JSON, the golang.org/x/vulndb module",
		Long: `Adds OSV records to the database, each to the all.zip of every ecosystem it affects
(a record with an ID already there replaces it). Inputs: OSV all.zip files, folders of
OSV JSON records (searched recursively), single record files, and the Go vulnerability
database module as the Go module proxy serves it (the zip that
'go mod download -json golang.org/x/vulndb@latest' names, or its unpacked folder), whose
data/osv records are read. Those records carry the zero time as their dates, so
vuln/db-fresh fails on them: the public OSV Go/all.zip carries real dates.
Nothing is changed when an input does not parse (exit 2).`,
		Example: `  craudit db import --osv-db osv-db ~/Downloads/Debian-all.zip ./advisories/
  craudit db import --osv-db osv-db "$(go mod download -json golang.org/x/vulndb@latest | jq -r .Zip)"`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dir == "" {
				return couldNotRun(errors.New("--osv-db is required"))
			}
			stamp, _, err := cli.StampTime()
			if err != nil {
				return couldNotRun(err)
			}
			source := func(in string) string {
				abs, _ := filepath.Abs(in)
				return filepath.Base(abs) + " (" + stamp.Format(time.DateOnly) + ")"
			}
			res, err := dbsync.Import(dir, args, source)
			if err != nil {
				return couldNotRun(err)
			}
			for _, r := range res {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %d records added, %d replaced, %d in all\n", r.Ecosystem, r.Added, r.Replaced, r.Total)
			}
			return nil
		},
	}
	c.Flags().StringVar(&dir, "osv-db", "", "the OSV database folder (created if absent)")
	return c
}

func newDBUpdateCmd() *cobra.Command {
	var dir, base, ca string
	var ecos []string
	var timeout time.Duration
	var maxBytes int64
	c := &cobra.Command{
		Use:   "update --osv-db DIR --ecosystem E... [--base-url URL]",
		Short: "Download ecosystems' all.zip from the OSV bucket, replacing the old ones atomically",
		Long: `Downloads <base-url>/<Ecosystem>/all.zip for each --ecosystem over HTTPS into
DIR/osv-scalibr/<Ecosystem>/all.zip. Each download is bounded in size and time, shows a
progress bar on a terminal, must be a zip of OSV records, and only then replaces the old
zip; a failed download leaves the old one (exit 2). DIR/SOURCE records the URL and time.`,
		Example: `  craudit db update --osv-db osv-db --ecosystem Debian --ecosystem Alpine --ecosystem Go
  craudit db update --osv-db osv-db --ecosystem npm --base-url https://mirror.example/osv --ca mirror-ca.pem`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" || len(ecos) == 0 {
				return couldNotRun(errors.New("--osv-db and at least one --ecosystem are required"))
			}
			client := &http.Client{Timeout: timeout}
			if ca != "" {
				pem, err := os.ReadFile(ca)
				if err != nil {
					return couldNotRun(err)
				}
				pool := x509.NewCertPool()
				if !pool.AppendCertsFromPEM(pem) {
					return couldNotRun(fmt.Errorf("%s: no PEM certificate", ca))
				}
				client.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, Proxy: http.ProxyFromEnvironment}
			}
			o := dbsync.UpdateOptions{Dir: dir, Ecosystems: ecos, BaseURL: base, Client: client, MaxBytes: maxBytes, Now: time.Now()}
			if f, ok := cmd.ErrOrStderr().(*os.File); ok && isTerminal(f) {
				o.Progress = f
			}
			res, err := dbsync.Update(cmd.Context(), o)
			for _, r := range res {
				newest := "no dated record"
				if !r.Newest.IsZero() {
					newest = "newest " + r.Newest.Format(time.RFC3339)
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %d records (%d bytes), %s\n", r.Ecosystem, r.Records, r.Bytes, newest)
			}
			if err != nil {
				return couldNotRun(err)
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&dir, "osv-db", "", "the OSV database folder (created if absent)")
	f.StringArrayVar(&ecos, "ecosystem", nil, "an OSV ecosystem, e.g. Debian, Alpine, Go, npm, PyPI (repeatable)")
	f.StringVar(&base, "base-url", dbsync.DefaultBaseURL, "the bucket or mirror holding <Ecosystem>/all.zip (https only)")
	f.StringVar(&ca, "ca", "", "a CA certificate (PEM) the mirror's certificate must chain to, instead of the system's")
	f.DurationVar(&timeout, "timeout", 30*time.Minute, "the longest one download may take")
	f.Int64Var(&maxBytes, "max-size", dbsync.DefaultMaxBytes, "the largest all.zip accepted, in bytes")
	return c
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
