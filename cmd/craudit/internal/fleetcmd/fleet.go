package fleetcmd

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/cmd/craudit/internal/releases"
	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/fleet"
	"github.com/craudit/craudit/evidence/fleet/store"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/evidence/unitsupport"
)

// New is `craudit fleet`.
func New() *cobra.Command {
	c := &cobra.Command{
		Use:   "fleet",
		Short: "Fleet evidence: ingest signed device status reports, print the fleet status",
		Example: `  craudit fleet ingest --db sqlite:fleet.db --devices devices.csv --placed-on-market units.csv reports/
  craudit fleet status --db sqlite:fleet.db --bundle bundle --trust root.pub --format json`,
		Args: cobra.NoArgs,
	}
	c.AddCommand(newIngestCmd(), newStatusCmd())
	return c
}

func couldNotRun(err error) error { return cli.Exit(cli.ExitCouldNotRun, err) }

const dbHelp = "fleet store: sqlite:PATH (embedded, made when absent) or postgres://USER@HOST/DB (or postgres:///DB?host=/socket/dir)"

func newIngestCmd() *cobra.Command {
	var dbURL, devices, pom, refTime, format string
	c := &cobra.Command{
		Use:   "ingest --db URL --devices REGISTRY [--placed-on-market CSV] REPORT|DIR ...",
		Short: "Verify signed device reports against the device registry and store the accepted ones",
		Long: `ingest reads device status reports (craudit device reports, one or many back to
back in a file, and Uptane vehicle version manifests; a folder's *.report and *.json
files, recursively, in path order), verifies each against the device registry and
stores the accepted ones. A report is rejected, counted and kept in the store's
rejections table (never stored as valid) when it is malformed, names an unknown
unit or another hardware ID, fails its signature, or is a replay: its counter is
not above the unit's last accepted one. Ingesting the same file twice makes every
report in it a replay. Within one run, a unit's reports must come in counter order
(writers name files UNIT-COUNTER with the counter zero-padded).

--devices: CSV unit,hardware,batch,public_key (or JSON craudit.fleet-devices/v1);
public_key is ed25519:BASE64 (raw key) or spki:BASE64 (DER, an Uptane Primary's key).
--placed-on-market: CSV unit,placed_on_market,batch (YYYY-MM-DD); stored with the
units for fleet status.

Exit codes: 0 every report accepted; 1 any rejected; 2 could not run (bad flags,
unreadable registry or report file, store unavailable).`,
		Example: `  craudit fleet ingest --db sqlite:fleet.db --devices devices.csv --placed-on-market units.csv reports/
  craudit fleet ingest --db 'postgres:///fleet?host=/run/postgresql' --devices devices.csv --format json reports/*.report`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dbURL == "" || devices == "" {
				return couldNotRun(fmt.Errorf("--db and --devices are required"))
			}
			if format != "text" && format != "json" {
				return couldNotRun(fmt.Errorf("--format %q: want text or json", format))
			}
			at, _, err := cli.ReferenceTime(refTime, cli.WallClock)
			if err != nil {
				return couldNotRun(err)
			}
			reg, err := fleet.LoadRegistry(devices)
			if err != nil {
				return couldNotRun(err)
			}
			var records *unitsupport.Records
			if pom != "" {
				if records, err = unitsupport.LoadCSV(pom); err != nil {
					return couldNotRun(err)
				}
			}
			files, err := fleet.ReportFiles(args)
			if err != nil {
				return couldNotRun(err)
			}
			ctx := cmd.Context()
			db, err := store.Open(ctx, dbURL)
			if err != nil {
				return couldNotRun(err)
			}
			defer db.Close()
			if err := db.SyncDevices(ctx, reg, records); err != nil {
				return couldNotRun(err)
			}
			var readErr error
			res, err := db.Ingest(ctx, store.FileInputs(files, &readErr), store.IngestOptions{Registry: reg, At: at, Now: time.Now()})
			if err == nil {
				err = readErr
			}
			stderr := cmd.ErrOrStderr()
			if res != nil {
				for i, r := range res.Rejections {
					if i == 20 {
						fmt.Fprintf(stderr, "REJECT ... (%d more in the store's rejections table)\n", res.Rejected.Total()-20)
						break
					}
					fmt.Fprintf(stderr, "REJECT %s: %s: %s\n", r.Source, r.Reason, r.Detail)
				}
				fmt.Fprintf(stderr, "fleet ingest (%s store): %s\n", db.Kind, res.SummaryLine())
			}
			if err != nil {
				return couldNotRun(err)
			}
			if format == "json" {
				b, err := json.MarshalIndent(res, "", "  ")
				if err != nil {
					return couldNotRun(err)
				}
				fmt.Fprintln(cmd.OutOrStdout(), string(b))
			}
			if res.Rejected.Total() > 0 {
				return cli.Exit(cli.ExitFailed, nil)
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&dbURL, "db", "", dbHelp)
	f.StringVar(&devices, "devices", "", "device registry: CSV unit,hardware,batch,public_key or JSON craudit.fleet-devices/v1")
	f.StringVar(&pom, "placed-on-market", "", "CSV of units placed on the market: unit,placed_on_market,batch")
	f.StringVar(&refTime, "reference-time", "", "RFC 3339 time Uptane manifests are judged at (default: now)")
	f.StringVar(&format, "format", "text", "text (counts on stderr) or json (the counts and rejections on stdout)")
	return c
}

type statusFlags struct {
	dbURL, trust, productFile, refTime, format, out string
	bundles                                         []string
	silentDays                                      int
	force                                           bool
}

func newStatusCmd() *cobra.Command {
	var f statusFlags
	c := &cobra.Command{
		Use:   "status --db URL [--bundle DIR ... --trust ROOT.pub] [--product product.yaml] [--silent-days N] [--format text|json]",
		Short: "Fleet status: units per release, attempt outcomes, support ends, open vulnerabilities, silent units",
		Long: `status computes a fleet status snapshot from the store: units per release (per
each unit's latest accepted report); success, failure, rollback and refused-attack
counts and rates per release and per campaign; units past their support end
(placed-on-market date + product.yaml's support period, or their batch's end date;
units without a placed-on-market record are listed as unknown, never guessed);
units on a release with open (not VEX-covered) vulnerabilities, from the verified
--bundle of that release (a release without a bundle is unjudged, never "none
open"); units without an accepted report in the last --silent-days days; rejected
reports by reason.

product.yaml comes from the first --bundle (verified with --trust), or from
--product. Without either, support ends are not judged and the snapshot says so.
Time: status judges (support ends, silence, the bundles' validity), so it
runs at --reference-time, else at the wall clock, never at SOURCE_DATE_EPOCH,
which a reproducible-build job may set to an old date (and so make ended
support look current); pass --reference-time to make a snapshot again. The time
used is printed on standard error. --format json prints the
craudit.fleet-status/v1 document that bundle --fleet-status pins.

Exit codes: 0 the snapshot was made; 1 a --bundle failed verification; 2 could not
run (bad flags, store unavailable, unreadable product.yaml).`,
		Example: `  craudit fleet status --db sqlite:fleet.db --bundle bundle --trust root.pub
  craudit fleet status --db sqlite:fleet.db --product product.yaml --silent-days 14 --format json --out fleet-status.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runStatus(cmd, f) },
	}
	fl := c.Flags()
	fl.StringVar(&f.dbURL, "db", "", dbHelp)
	fl.StringArrayVar(&f.bundles, "bundle", nil, "a release bundle: its open vulnerabilities (and product.yaml) (repeatable; needs --trust)")
	fl.StringVar(&f.trust, "trust", "", "the manufacturer's root public key the bundles are verified with")
	fl.StringVar(&f.productFile, "product", "", "product.yaml for the support period when no --bundle gives it")
	fl.IntVar(&f.silentDays, "silent-days", store.DefaultSilentDays, "a unit without an accepted report for more than N days is silent")
	fl.StringVar(&f.refTime, "reference-time", "", "RFC 3339 time support ends, silence and the bundles are judged at (default: now; never SOURCE_DATE_EPOCH)")
	fl.StringVar(&f.format, "format", "text", "text or json")
	fl.StringVar(&f.out, "out", "", "write to this file instead of standard output")
	fl.BoolVar(&f.force, "force", false, "overwrite --out")
	return c
}

func runStatus(cmd *cobra.Command, f statusFlags) error {
	if f.dbURL == "" {
		return couldNotRun(fmt.Errorf("--db is required"))
	}
	if f.format != "text" && f.format != "json" {
		return couldNotRun(fmt.Errorf("--format %q: want text or json", f.format))
	}
	if len(f.bundles) > 0 && f.trust == "" {
		return couldNotRun(fmt.Errorf("--bundle needs --trust (the manufacturer's root public key)"))
	}
	if f.silentDays <= 0 {
		return couldNotRun(fmt.Errorf("--silent-days %d: want at least 1", f.silentDays))
	}
	// A judging command: the wall clock, never SOURCE_DATE_EPOCH (design, "Time").
	at, source, err := cli.ReferenceTime(f.refTime, cli.WallClock)
	if err != nil {
		return couldNotRun(err)
	}
	o := store.StatusOptions{At: at, SilentDays: f.silentDays}
	if f.productFile != "" {
		p, _, err := product.LoadProduct(f.productFile)
		if err != nil {
			return couldNotRun(err)
		}
		o.Product, o.Support = p.Product.ID, &p.SupportPeriod
	}
	var first *product.Product
	if o.Releases, first, err = releases.Open(cmd.ErrOrStderr(), f.bundles, f.trust, at); err != nil {
		return err
	}
	if o.Support == nil && first != nil {
		o.Product, o.Support = first.Product.ID, &first.SupportPeriod
	}
	ctx := cmd.Context()
	db, err := store.Open(ctx, f.dbURL)
	if err != nil {
		return couldNotRun(err)
	}
	defer db.Close()
	st, err := db.Status(ctx, o)
	if err != nil {
		return couldNotRun(err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "fleet status at %s (%s)\n", at.Format(time.RFC3339), source)
	var out []byte
	if f.format == "json" {
		b, err := json.MarshalIndent(st, "", "  ")
		if err != nil {
			return couldNotRun(err)
		}
		out = append(b, '\n')
	} else {
		var w bytesWriter
		_ = st.WriteText(&w)
		out = w.b
	}
	if f.out == "" {
		_, err = cmd.OutOrStdout().Write(out)
		return err
	}
	if err := atomicfs.WriteFile(f.out, out, 0o644, f.force); err != nil {
		return couldNotRun(err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "fleet status written to %s\n", f.out)
	return nil
}

type bytesWriter struct{ b []byte }

func (w *bytesWriter) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
