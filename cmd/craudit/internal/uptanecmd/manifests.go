package uptanecmd

import (
	"bytes"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/cmd/craudit/internal/releases"
	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/unitsupport"
	"github.com/craudit/craudit/evidence/uptane/vehicle"
)

// New is `craudit uptane`.
func New() *cobra.Command {
	c := &cobra.Command{
		Use:     "uptane",
		Short:   "Work with Uptane evidence (vehicle version manifests)",
		Example: "  craudit uptane manifests --keys ecu-keys.json manifest.json",
		Args:    cobra.NoArgs,
	}
	c.AddCommand(newManifestsCmd())
	return c
}

type manifestsFlags struct {
	keys                                       []string
	registry, format, refTime, trust, pom, out string
	bundles                                    []string
	force                                      bool
}

func newManifestsCmd() *cobra.Command {
	var f manifestsFlags
	c := &cobra.Command{
		Use:   "manifests MANIFEST.json ...",
		Short: "Verify Uptane vehicle version manifests and report each unit's support status",
		Long: `Verifies signed Uptane vehicle version manifests: the Primary ECU's signature and
the signature of every ECU version report inside, in both dialects (the reference
implementation's TUF 1.0 and OTA Connect's) and the three shapes deployed (the map
ecu_version_manifests, the reference implementation's map of lists, the legacy list
ecu_version_manifest), with Ed25519, ECDSA P-256 and RSA-PSS keys whose key IDs are
in the TUF, ota-tuf (SPKI) or aktualizr scheme.

Keys: --key files (PEM or a JSON key object) may sign any report; a --keys registry
binds ECU serials to their keys (a bound ECU's report signed by any other key fails):
  {"schema": "craudit.uptane-key-registry/v1",
   "ecus": {"SERIAL": [{"file": "primary.pem"}, {"key": {JSON key object}}]}}

Per unit and ECU the report shows the installed image (path, length, hashes), the
release it belongs to when a --bundle (verified with --trust) carries that hash,
counter or nonce, attacks detected, and names deviations: the constant 1970 time,
missing replay protection, a counter only in the Primary's report.

--placed-on-market FILE is the manufacturer's record (CSV with the header
unit,placed_on_market,batch; unit is the VIN, unit ID or Primary ECU serial; dates
YYYY-MM-DD). Joined with product.yaml's support period from the bundles, the report
says per unit when support ends, which units are past it, and which run a release
with open (not VEX-covered) vulnerabilities. A unit without a row is unknown.

Exit codes: 0 every manifest verified; 1 a signature or field failed, or a bundle
failed verification; 2 could not run (unreadable manifest, bad CSV line, bad flags).`,
		Example: `  craudit uptane manifests --key primary.pub --key secondary.pub sample_vehicle_manifest.json
  craudit uptane manifests --keys ecu-keys.json --bundle bundle --trust root.pub \
    --placed-on-market units.csv --format json --out manifests.json unit-*.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runManifests(cmd.OutOrStdout(), cmd.ErrOrStderr(), f, args)
		},
	}
	fl := c.Flags()
	fl.StringArrayVar(&f.keys, "key", nil, "a public key (PEM, or a JSON key object) that may sign any manifest or ECU report (repeatable)")
	fl.StringVar(&f.registry, "keys", "", "key registry (JSON) binding ECU serials to their keys")
	fl.StringArrayVar(&f.bundles, "bundle", nil, "a release bundle whose artefact hashes name the release an image belongs to (repeatable; needs --trust)")
	fl.StringVar(&f.trust, "trust", "", "the manufacturer's root public key the bundles are verified with")
	fl.StringVar(&f.pom, "placed-on-market", "", "CSV of units placed on the market: unit,placed_on_market,batch")
	fl.StringVar(&f.refTime, "reference-time", "", "reference time (RFC 3339) for report times and support ends; default: now")
	fl.StringVar(&f.format, "format", "text", "output format: text or json")
	fl.StringVar(&f.out, "out", "", "write the report to this file instead of standard output")
	fl.BoolVar(&f.force, "force", false, "overwrite --out")
	return c
}

func couldNotRun(err error) error { return cli.Exit(cli.ExitCouldNotRun, err) }

func runManifests(stdout, stderr io.Writer, f manifestsFlags, files []string) error {
	if f.format != "text" && f.format != "json" {
		return couldNotRun(fmt.Errorf("--format %q: want text or json", f.format))
	}
	if len(f.keys) == 0 && f.registry == "" {
		return couldNotRun(fmt.Errorf("no keys: give --key PUB or --keys REGISTRY.json"))
	}
	if len(f.bundles) > 0 && f.trust == "" {
		return couldNotRun(fmt.Errorf("--bundle needs --trust (the manufacturer's root public key)"))
	}
	at, source, err := cli.ReferenceTime(f.refTime, cli.WallClock)
	if err != nil {
		return couldNotRun(err)
	}
	kr := &vehicle.Keyring{}
	for _, p := range f.keys {
		nk, err := vehicle.LoadKey(p)
		if err != nil {
			return couldNotRun(err)
		}
		kr.Any = append(kr.Any, nk)
	}
	if f.registry != "" {
		if kr, err = vehicle.LoadRegistry(f.registry, kr); err != nil {
			return couldNotRun(err)
		}
	}
	var records *unitsupport.Records
	if f.pom != "" {
		if records, err = unitsupport.LoadCSV(f.pom); err != nil {
			return couldNotRun(err)
		}
	}
	// Every manifest is read before anything is judged: an unreadable one
	// stops the command with nothing written.
	manifests := make([]*vehicle.Manifest, 0, len(files))
	for _, p := range files {
		m, err := vehicle.Load(p)
		if err != nil {
			return couldNotRun(err)
		}
		manifests = append(manifests, m)
	}
	releases, _, err := releases.Open(stderr, f.bundles, f.trust, at)
	if err != nil {
		return err
	}
	results := make([]*vehicle.Result, 0, len(manifests))
	for _, m := range manifests {
		results = append(results, vehicle.Verify(m, kr, at))
	}
	rep := vehicle.BuildReport(results, vehicle.ReportOptions{At: at, TimeSource: source, Records: records, Releases: releases})
	var data []byte
	if f.format == "json" {
		if data, err = rep.JSON(); err != nil {
			return couldNotRun(err)
		}
	} else {
		var b bytes.Buffer
		if err := rep.WriteText(&b); err != nil {
			return couldNotRun(err)
		}
		data = b.Bytes()
	}
	if f.out != "" {
		if err := atomicfs.WriteFile(f.out, data, 0o644, f.force); err != nil {
			return couldNotRun(err)
		}
	} else if _, err := stdout.Write(data); err != nil {
		return couldNotRun(err)
	}
	if !rep.Verified() {
		return cli.Exit(cli.ExitFailed, fmt.Errorf("%d of %d vehicle manifests failed verification", rep.Summary.Failed, rep.Summary.Manifests))
	}
	return nil
}
