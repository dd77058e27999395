package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/checks/verifier/primary"
	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/transcript"
)

func newVerifyCmd() *cobra.Command {
	var (
		o                      verifier.Options
		refTime, profile, form string
		out                    string
		director, dTrust       string
		ecus                   []string
		force                  bool
		sign                   liveSigning
	)
	cmd := &cobra.Command{
		Use:   "verify --repo URL --trust FILE",
		Short: "Verify a live update repository as a secure device-side updater must",
		Long: `verify is craudit's reference updater client. It checks a live repository
(ENISA steps 3-5: check for updates, retrieve, verify) and records every request
and decision in a transcript.

--resolve HOST:PORT:ADDR[:PORT2] (curl's --resolve; ADDR may carry a port) keeps the
declared name in the URL and the TLS name check and dials ADDR, e.g. to check on
loopback the repository product.yaml declares: --repo https://updates.example.com
--resolve updates.example.com:443:127.0.0.1:8443. The transcript records the address
really contacted and the SHA-256 of the server's leaf certificate.

FILE is a TUF root.json (TUF repository: metadata at URL/metadata/, targets at
URL/targets/) or a PEM root public key (ENISA manifest repository: manifest.json,
vendor certificate, artefacts/); the kind is detected, --profile forces it.
Metadata and manifests are judged at --reference-time (default: the wall clock,
never SOURCE_DATE_EPOCH); TLS certificates at the wall clock.

--profile uptane verifies an Uptane deployment as a Primary does (docs/uptane.md):
the Director at --director, the Image repository at --image-repo (images under
IMAGE-REPO/targets/), each with its own root.json, for the vehicle's ECUs
(--ecu SERIAL=HARDWARE_ID, repeatable); --partial is a Secondary's partial
verification (Director targets only).

With --signing-key the output is a signed in-toto attestation binding the repository URL
to its TLS certificate (docs/formats.md), the form --transcript elsewhere requires.

Exit codes: 0 verified, 1 verification failure (the transcript names the step),
2 could not run (bad flags, unusable trust file, unreachable server).`,
		Example: `  craudit verify --repo https://127.0.0.1:8443 --trust root.json --ca ca.pem --target fw.bin
  craudit verify --repo https://updates.example.com --trust root.pub --installed-version 1.0.0 \
      --state ./device-state --product thermostat --hardware-id tx-100 --format json --out transcript.json
  craudit verify --repo https://updates.example.com --trust root.pub --ca ca.pem \
      --signing-key keys/vendor.key --key-cert keys/vendor.cert.json --out transcript.intoto.json
  craudit verify --profile uptane --director https://127.0.0.1:8443/director --director-trust director-root.json \
      --image-repo https://127.0.0.1:8443/image --image-trust image-root.json --ca ca.pem \
      --ecu main-1=st100-main --ecu wifi-1=st100-wifi --state ./vehicle-state`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if profile == "uptane" || director != "" {
				if err := uptaneFlags(&o, director, dTrust, ecus); err != nil {
					return couldNotRun(err)
				}
				profile = "uptane"
			}
			if o.RepoURL == "" || o.TrustFile == "" {
				return couldNotRun(errors.New("--repo and --trust are required"))
			}
			if form != "text" && form != "json" {
				return couldNotRun(fmt.Errorf("--format %q: want text or json", form))
			}
			signer, cert, err := sign.load(cmd, form)
			if err != nil {
				return couldNotRun(err)
			}
			defer signer.Close()
			if o.ReferenceTime, o.TimeSource, err = cli.ReferenceTime(refTime, cli.WallClock); err != nil {
				return couldNotRun(err)
			}
			o.Profile = verifier.Profile(profile)
			o.Tool = "craudit " + version
			if out != "" && !force {
				if _, err := os.Lstat(out); err == nil {
					return couldNotRun(fmt.Errorf("%s: %w", out, atomicfs.ErrExists))
				}
			}
			t, err := verifier.Verify(cmd.Context(), o)
			if err != nil {
				return couldNotRun(err)
			}
			data := t.JSON()
			switch {
			case signer != nil:
				if data, err = transcript.Sign(data, signer, cert); err != nil {
					return couldNotRun(err)
				}
			case form == "text":
				data = []byte(t.Text())
			}
			if err := writeOutput(cmd.OutOrStdout(), out, force, data); err != nil {
				return couldNotRun(err)
			} else if out != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s\n", t.Verdict, out)
			}
			if !t.OK() {
				return exitCode(1)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.RepoURL, "repo", "", "repository base URL (https://...)")
	f.StringVar(&o.TrustFile, "trust", "", "trust anchor: a TUF root.json or a PEM root public key")
	f.StringVar(&o.CAFile, "ca", "", "PEM CA the server certificate must chain to (default: system roots)")
	f.StringArrayVar(&o.Resolve, "resolve", nil, "HOST:PORT:ADDR[:PORT2]: dial ADDR for HOST:PORT, keeping HOST in the URL and the TLS name check (curl's --resolve); repeatable")
	f.StringArrayVar(&o.Targets, "target", nil, "target (TUF) or artefact (manifest) to download and verify; repeatable")
	f.StringVar(&o.InstalledVersion, "installed-version", "", "version the device runs now (anti-rollback)")
	f.StringVar(&o.StateDir, "state", "", "directory keeping trusted state between runs (rollback protection)")
	f.StringVar(&refTime, "reference-time", "", "RFC 3339 time at which metadata is judged (default: wall clock)")
	f.StringVar(&profile, "profile", "", "repository profile: tuf, manifest or uptane (default: detected from --trust; uptane with --director)")
	f.StringVar(&director, "director", "", "Uptane Director URL (https://...)")
	f.StringVar(&dTrust, "director-trust", "", "Uptane Director's trusted root.json")
	f.StringVar(&o.ImageRepoURL, "image-repo", "", "Uptane Image repository URL (https://...)")
	f.StringVar(&o.ImageTrustFile, "image-trust", "", "Uptane Image repository's trusted root.json")
	f.StringArrayVar(&ecus, "ecu", nil, "Uptane: the vehicle's ECU as SERIAL=HARDWARE_ID; repeatable")
	f.BoolVar(&o.Partial, "partial", false, "Uptane: partial verification, a Secondary's (Director targets only)")
	f.StringVar(&o.MetadataURL, "metadata-url", "", "TUF metadata URL (default: REPO/metadata/)")
	f.StringVar(&o.TargetsURL, "targets-url", "", "TUF targets URL (default: REPO/targets/)")
	f.BoolVar(&o.AllowInsecureHTTPUnsafe, "allow-insecure-http", false, "judge a plain http:// repository (the transport control still fails)")
	f.StringVar(&o.Product, "product", "", "device product ID for the applicability check (manifest profile)")
	f.StringVar(&o.HardwareID, "hardware-id", "", "device hardware ID for the applicability check (manifest profile)")
	f.StringVar(&o.TargetDir, "target-dir", "", "write verified targets into this directory")
	f.DurationVar(&o.Timeout, "timeout", 0, "overall deadline for all downloads (default 2m)")
	f.StringVar(&form, "format", "text", "output format: text or json (the transcript)")
	f.StringVar(&out, "out", "", "write the output to this file instead of stdout")
	f.BoolVar(&force, "force", false, "overwrite --out")
	sign.register(cmd)
	return cmd
}

// uptaneFlags maps the Uptane flags onto the verifier's options.
func uptaneFlags(o *verifier.Options, director, dTrust string, ecus []string) error {
	if director == "" || dTrust == "" || len(ecus) == 0 {
		return errors.New("--profile uptane needs --director, --director-trust and at least one --ecu SERIAL=HARDWARE_ID")
	}
	if o.RepoURL != "" || o.TrustFile != "" {
		return errors.New("--profile uptane takes --director and --director-trust, not --repo and --trust")
	}
	o.RepoURL, o.TrustFile = director, dTrust
	for _, e := range ecus {
		serial, hw, ok := strings.Cut(e, "=")
		if !ok || serial == "" || hw == "" {
			return fmt.Errorf("--ecu %q: want SERIAL=HARDWARE_ID", e)
		}
		o.ECUs = append(o.ECUs, primary.ECU{Serial: serial, HardwareID: hw})
	}
	return nil
}
