package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/attack"
	"github.com/craudit/craudit/checks/attack/layout"
	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/attackrun"
)

func newAttackCmd() *cobra.Command {
	var o attack.Options
	var profile, refTime, format, out, layoutFile string
	var list, force bool
	var sign liveSigning
	c := &cobra.Command{
		Use:   "attack --client 'COMMAND' [--profile PROFILE]",
		Short: "Run an existing updater against hostile repositories on loopback",
		Long: `attack serves hostile repositories on 127.0.0.1 and runs the updater under test
against each, as the tuf-conformance suite does for TUF clients: bad signatures, rollback,
freeze, mix-and-match, substituted, endless and slow files, root rotations, delegation
tricks, and (manifest profile) wrong product, downgrade, expired certificates, TLS
downgrade and tampering mirrors. Before each attack the client first takes a valid update.

TUF profile: COMMAND speaks the tuf-conformance client-under-test protocol (the harness
adds --metadata-dir, --metadata-url, --target-name, --target-base-url, --target-dir and
init/download), over plain http. Manifest profile: COMMAND speaks the manifest-client
protocol (docs/manifest-client-protocol.md) over https, with the CA given by --ca.
Uptane profile: COMMAND is a Primary speaking the uptane-client protocol (docs/uptane.md:
--director-url, --image-url, --metadata-dir, --target-dir, --ecu SERIAL=HWID for the
thermostat's two ECUs, init DIRECTOR-ROOT IMAGE-ROOT, update) over plain http, against a
Director and an Image repository served side by side.
Profiles rauc, swupdate, mender and ostree: the updater is the tool itself as shipped
(default --client: the tool on PATH); the harness builds each scenario in the tool's own
format with the real tools, provisions the device side (keyring, verify key or GPG key,
the servers' CA, file-backed install slot) and judges by what reached the slot
(docs/updaters.md, "Attack results"). They need root for a private mount namespace.
The reference time reaches the client as SOURCE_DATE_EPOCH (and through faketime when it
is installed).

The results name the updater under test by digest: the client's executable found on
PATH, or the script when the executable is an interpreter (sh, bash, python3, ...),
and each --client-config file. A client that is a craudit program (its Go build
information names a main package of github.com/craudit/craudit/cmd/) is one of
craudit's reference clients: the run is marked "reference-client self-test" and
never counts as a product's evidence. --resolve HOST:PORT:ADDR (manifest profile)
serves the repositories as https://HOST on loopback ADDR with a certificate for HOST
and passes the client --resolve HOST:PORT:ADDR:PORT2 (docs/manifest-client-protocol.md).
--layout FILE (manifest profile) tests a hand-rolled updater as it is: its repository
paths, manifest field names and command line (docs/attack-layouts.md). A valid update
the client does not take names the paths it asked for that the scenario does not serve.
Scenarios run --parallel at once, each with its own servers; results keep catalogue order.

Verdicts: pass (protected), VULNERABLE, functional failure (a valid update refused),
inconclusive. With --signing-key the output is a signed in-toto attestation binding the
updater's SHA-256 (docs/formats.md), the form --attack-results elsewhere requires.
Exit 0 only when every scenario passed, 1 otherwise, 2 when the harness
could not run. Scenarios: craudit attack --list (docs/attack-scenarios.md).`,
		Example: `  craudit attack --client 'craudit tuf-client'
  craudit attack --client 'sh updater.sh' --client-config updater.conf --profile manifest \
      --resolve updates.thermo.example:443:127.0.0.1
  craudit attack --client 'craudit manifest-client' --profile manifest --format json --out attack-results.json
  craudit attack --client 'craudit uptane-client' --profile uptane
  craudit attack --client './my-updater --verbose' --profile manifest --scenario manifest-rollback-counter
  craudit attack --client './thermo-update.sh' --profile manifest --signing-key keys/vendor.key \
      --key-cert keys/vendor.cert.json --out attack-results.intoto.json
  craudit attack --client 'sh st200-update.sh' --profile manifest --layout st200.layout.yaml \
      --parallel 8 --deadline 20s --slow-interval 200ms
  craudit attack --profile rauc --deadline 10s --format json --out rauc-results.json
  craudit attack --list`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if list {
				return listScenarios(cmd, profile, format, out, force)
			}
			switch format {
			case "text", "json", "junit":
			default:
				return couldNotRun(fmt.Errorf("--format %q: want text, json or junit", format))
			}
			if o.Client == "" {
				o.Client = attack.DefaultClient(attack.Profile(profile))
			}
			if o.Client == "" {
				return couldNotRun(errors.New("--client is required (the updater's command line)"))
			}
			signer, cert, err := sign.load(cmd, format)
			if err != nil {
				return couldNotRun(err)
			}
			defer signer.Close()
			at, src, err := cli.ReferenceTime(refTime, cli.WallClock)
			if err != nil {
				return couldNotRun(err)
			}
			if layoutFile != "" {
				if o.Layout, err = layout.Load(layoutFile); err != nil {
					return couldNotRun(err)
				}
			}
			o.Profile, o.ReferenceTime, o.TimeSource = attack.Profile(profile), at, src
			o.Tool = checks.Tool{Name: "craudit", Version: version}
			o.Progress = cmd.ErrOrStderr()
			res, err := attack.Run(cmd.Context(), o)
			if err != nil {
				return couldNotRun(err)
			}
			var data []byte
			switch {
			case signer != nil:
				if data, err = attackrun.Sign(res.JSON(), signer, cert); err != nil {
					return couldNotRun(err)
				}
			case format == "json":
				data = res.JSON()
			case format == "junit":
				data = res.JUnit()
			default:
				data = res.Text()
			}
			if err := writeOutput(cmd.OutOrStdout(), out, force, data); err != nil {
				return couldNotRun(err)
			}
			s := res.Summary
			fmt.Fprintf(cmd.ErrOrStderr(), "%d scenarios: %d pass, %d VULNERABLE, %d functional failure, %d inconclusive\n",
				s.Total, s.Pass, s.Vulnerable, s.FunctionalFailure, s.Inconclusive)
			if !res.OK() {
				return exitCode(1)
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&o.Client, "client", "", "the updater's command line (quotes group words)")
	f.StringArrayVar(&o.ClientConfigs, "client-config", nil, "a file the updater reads (its configuration), hashed into the results with the updater; repeatable")
	f.StringVar(&o.Resolve, "resolve", "", "HOST:PORT:ADDR[:PORT2] (manifest profile): serve as https://HOST on loopback ADDR with a certificate for HOST; the client gets --resolve")
	f.StringVar(&profile, "profile", "tuf", "client protocol, one of: "+profileNames())
	f.StringSliceVar(&o.Scenarios, "scenario", nil, "run only these scenarios (ID or name; repeatable)")
	f.BoolVar(&list, "list", false, "print the scenario catalogue and exit")
	f.StringVar(&refTime, "reference-time", "", "RFC 3339 time the repositories and the client live at (default: now)")
	f.StringVar(&format, "format", "text", "output: text, json (attack-results.json) or junit; with --list: text, json or md")
	f.StringVar(&out, "out", "", "write the output to this file instead of stdout")
	f.BoolVar(&force, "force", false, "overwrite --out")
	f.DurationVar(&o.Deadline, "deadline", attack.DefaultDeadline, "time limit of each client run; a client still running in a slow or endless scenario is vulnerable")
	f.DurationVar(&o.SlowInterval, "slow-interval", attack.DefaultSlowInterval, "pause between bytes in slow-retrieval scenarios")
	f.Int64Var(&o.EndlessSize, "endless-size", attack.DefaultEndlessSize, "bytes an endless stream sends at most")
	f.BoolVar(&o.NoFaketime, "no-faketime", false, "do not wrap the client in faketime even when it is installed")
	f.BoolVar(&o.KeepWork, "keep-work", false, "keep the scenarios' folders (printed) for inspection")
	f.StringVar(&layoutFile, "layout", "", "LAYOUT.yaml (manifest profile): the updater's own repository paths, manifest fields and arguments (docs/attack-layouts.md)")
	f.IntVar(&o.Parallel, "parallel", 0, "scenarios run at once, each with its own servers (default: GOMAXPROCS, at least 4)")
	sign.register(c)
	return c
}

func listScenarios(cmd *cobra.Command, profile, format, out string, force bool) error {
	var data []byte
	switch format {
	case "text":
		data = attack.CatalogueText(attack.Profile(profileIfSet(cmd, profile)))
	case "json":
		data = attack.CatalogueJSON(attack.Profile(profileIfSet(cmd, profile)))
	case "md":
		data = attack.CatalogueMarkdown()
	default:
		return couldNotRun(fmt.Errorf("--format %q with --list: want text, json or md", format))
	}
	if err := writeOutput(cmd.OutOrStdout(), out, force, data); err != nil {
		return couldNotRun(err)
	}
	return nil
}

// profileIfSet filters the list only when --profile was given.
func profileIfSet(cmd *cobra.Command, p string) string {
	if cmd.Flags().Changed("profile") {
		return p
	}
	return ""
}

// profileNames lists the attack profiles for --help.
func profileNames() string {
	var names []string
	for _, p := range attack.Profiles {
		names = append(names, string(p))
	}
	return strings.Join(names, ", ")
}
