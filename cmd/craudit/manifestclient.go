package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/evidence/atomicfs"
)

// newManifestClientCmd is the reference updater of the manifest profile, in
// the protocol `attack` drives: exit 0 means installed into OUT/slot with the
// state updated, 1 any failure.
func newManifestClientCmd() *cobra.Command {
	var o verifier.Options
	var out, refTime string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "manifest-client --trust ROOT.pub --ca CA.pem --state DIR --repo URL --installed-version V --out DIR update",
		Short: "Reference updater for the ENISA manifest profile (attack-scenario protocol)",
		Long: `manifest-client does what a device does with a manifest-profile repository:
fetch manifest.json, its signature and the vendor certificate, verify the chain to
the root key, freshness, applicability and anti-rollback (--installed-version and
the counter kept in --state), download and check every artefact, then install them
all at once into OUT/slot and raise the stored counter. Nothing is installed when
any step fails. Time: --reference-time, else SOURCE_DATE_EPOCH, else the wall clock.
Exit 0 installed, 1 any failure.`,
		Example: `  craudit manifest-client --trust root.pub --ca ca.pem --state ./state --repo https://127.0.0.1:8443 \
      --installed-version 1.0.0 --out ./device update`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fail := func(err error) error { return &exitError{code: 1, err: err} }
			if args[0] != "update" {
				return fail(fmt.Errorf("unknown command %q (want update)", args[0]))
			}
			if o.TrustFile == "" || o.RepoURL == "" || o.StateDir == "" || out == "" {
				return fail(errors.New("--trust, --repo, --state and --out are required"))
			}
			if err := deviceIdentity(&o); err != nil {
				return fail(err)
			}
			switch at, ok, err := sourceDateEpoch(); {
			case refTime != "":
				t, err := time.Parse(time.RFC3339, refTime)
				if err != nil {
					return fail(fmt.Errorf("--reference-time: %v", err))
				}
				o.ReferenceTime, o.TimeSource = t, "--reference-time"
			case err != nil:
				return fail(err)
			case ok:
				o.ReferenceTime, o.TimeSource = at, "SOURCE_DATE_EPOCH"
			}
			// Artefacts land in a staging folder and replace the slot only
			// when every check passed: an attacker's file is never installed.
			slot, err := atomicfs.NewDir(filepath.Join(out, "slot"), true)
			if err != nil {
				return fail(err)
			}
			o.TargetDir = slot.Path
			o.Profile = verifier.ProfileManifest
			o.Tool = "craudit " + version
			t, err := verifier.Verify(cmd.Context(), o)
			if err != nil {
				slot.Abort()
				return fail(err)
			}
			if verbose {
				fmt.Fprint(cmd.ErrOrStderr(), t.Text())
			}
			if !t.OK() {
				slot.Abort()
				return fail(fmt.Errorf("%s: %s", t.Failure.Step, t.Failure.Reason))
			}
			if err := slot.Commit(); err != nil {
				return fail(err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "installed into %s\n", filepath.Join(out, "slot"))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.TrustFile, "trust", "", "root public key (PEM)")
	f.StringVar(&o.CAFile, "ca", "", "PEM CA the repository's certificate must chain to")
	f.StringVar(&o.StateDir, "state", "", "device state directory (stored rollback counter)")
	f.StringVar(&o.RepoURL, "repo", "", "repository base URL")
	f.StringVar(&o.InstalledVersion, "installed-version", "", "version the device runs now")
	f.StringVar(&o.Product, "product", "", "device product ID (applicability; default: STATE/device.json)")
	f.StringVar(&o.HardwareID, "hardware-id", "", "device hardware ID (applicability; default: STATE/device.json)")
	f.StringVar(&out, "out", "", "device directory; artefacts are installed into OUT/slot")
	f.StringVar(&refTime, "reference-time", "", "RFC 3339 time to judge the manifest at")
	f.BoolVar(&o.AllowInsecureHTTPUnsafe, "allow-insecure-http", false, "accept plain http (a failed control: the update is refused)")
	f.DurationVar(&o.Timeout, "timeout", 0, "overall deadline for all downloads (default 2m)")
	f.BoolVarP(&verbose, "verbose", "v", false, "print the transcript to stderr")
	return cmd
}

// deviceIdentity fills the product and hardware ID the flags left empty
// from STATE/device.json ({"product": ..., "hardware_id": ...}), where the
// manifest-client protocol provisions them (docs/manifest-client-protocol.md).
// A missing file leaves them empty (applicability is then not checked and
// the transcript says so); an unreadable one is a failure.
func deviceIdentity(o *verifier.Options) error {
	if o.Product != "" && o.HardwareID != "" {
		return nil
	}
	p := filepath.Join(o.StateDir, "device.json")
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var d struct {
		Product    string `json:"product"`
		HardwareID string `json:"hardware_id"`
	}
	if err := json.Unmarshal(b, &d); err != nil || d.Product == "" || d.HardwareID == "" {
		return fmt.Errorf("%s: want {\"product\": ..., \"hardware_id\": ...}", p)
	}
	if o.Product == "" {
		o.Product = d.Product
	}
	if o.HardwareID == "" {
		o.HardwareID = d.HardwareID
	}
	return nil
}
