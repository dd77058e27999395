package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/checks/attack"
	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/evidence/product"
)

// newManifestClientCmd is craudit's reference updater for the ENISA manifest
// profile, speaking the manifest-client protocol (docs/manifest-client-protocol.md).
func newManifestClientCmd() *cobra.Command {
	var trust, ca, state, repoURL, installed, out, refTime string
	cmd := &cobra.Command{
		Use:   "manifest-client --trust ROOT.pub --ca CA.pem --state DIR --repo URL --installed-version V --out DIR update",
		Short: "Reference updater for the manifest profile (the manifest-client protocol)",
		Long: `manifest-client updates a device the ENISA way: it fetches manifest.json, its signature
and the vendor certificate over HTTPS (the CA pinned with --ca), checks the chain to the
root key, the signature, the device's product and hardware (from DIR/device.json), the
manifest's validity period, the version against --installed-version and the rollback
counter against the one kept in --state, downloads every artefact (no more bytes than
signed) and checks size and hashes. Only then are the artefacts switched into OUT/slot
in one rename, and the state updated.
Time: --reference-time, else SOURCE_DATE_EPOCH (how a test harness fakes time), else the
wall clock. Exit 0 when the update is installed (or already was), 1 on any failure.`,
		Example: `  craudit manifest-client --trust root.pub --ca ca.pem --state /var/lib/upd \
      --repo https://updates.example.com/thermo --installed-version 1.0.0 --out /data update`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fail := func(err error) error { return &exitError{code: 1, err: err} }
			if args[0] != "update" {
				return fail(fmt.Errorf("unknown command %q (want update)", args[0]))
			}
			for _, f := range []struct{ name, v string }{{"--trust", trust}, {"--state", state}, {"--repo", repoURL}, {"--installed-version", installed}, {"--out", out}} {
				if f.v == "" {
					return fail(errors.New(f.name + " is required"))
				}
			}
			var dev attack.Device
			b, err := product.ReadFile(filepath.Join(state, attack.DeviceFile))
			if err != nil {
				return fail(fmt.Errorf("device identity: %v", err))
			}
			if err := json.Unmarshal(b, &dev); err != nil || dev.Product == "" || dev.HardwareID == "" {
				return fail(fmt.Errorf("%s: want {\"product\": ..., \"hardware_id\": ...}", filepath.Join(state, attack.DeviceFile)))
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return fail(err)
			}
			staging, err := os.MkdirTemp(out, ".incoming-")
			if err != nil {
				return fail(err)
			}
			defer os.RemoveAll(staging)
			o := verifier.Options{RepoURL: repoURL, TrustFile: trust, Profile: verifier.ProfileManifest, CAFile: ca,
				StateDir: state, InstalledVersion: installed, Product: dev.Product, HardwareID: dev.HardwareID,
				TargetDir: staging, Tool: "craudit " + version}
			if o.ReferenceTime, o.TimeSource, err = clientTime(refTime); err != nil {
				return fail(err)
			}
			t, err := verifier.Verify(cmd.Context(), o)
			if err != nil {
				return fail(err)
			}
			if t.Failure != nil {
				return fail(fmt.Errorf("%s: %s", t.Failure.Step, t.Failure.Reason))
			}
			entries, err := os.ReadDir(staging)
			if err != nil {
				return fail(err)
			}
			if len(entries) == 0 {
				fmt.Fprintln(cmd.ErrOrStderr(), "already up to date")
				return nil
			}
			// A/B switch: the new slot replaces the old one in one rename.
			slot, old := filepath.Join(out, "slot"), filepath.Join(out, ".previous")
			os.RemoveAll(old)
			if err := os.Rename(slot, old); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fail(err)
			}
			if err := os.Rename(staging, slot); err != nil {
				os.Rename(old, slot)
				return fail(err)
			}
			os.RemoveAll(old)
			fmt.Fprintf(cmd.ErrOrStderr(), "installed %d artefact(s) into %s\n", len(entries), slot)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&trust, "trust", "", "the manufacturer's root public key (the device's trust anchor)")
	f.StringVar(&ca, "ca", "", "PEM CA the repository's TLS certificate must chain to (default: system roots)")
	f.StringVar(&state, "state", "", "device state folder: device.json, and the stored rollback counter")
	f.StringVar(&repoURL, "repo", "", "https URL of the manifest repository")
	f.StringVar(&installed, "installed-version", "", "version the device runs now")
	f.StringVar(&out, "out", "", "install folder: artefacts land in OUT/slot")
	f.StringVar(&refTime, "reference-time", "", "RFC 3339 time to judge validity at (overrides SOURCE_DATE_EPOCH)")
	return cmd
}

// clientTime is the time a protocol client judges validity at: the flag,
// SOURCE_DATE_EPOCH (test harnesses fake time with it; Go ignores
// libfaketime), or the wall clock (zero).
func clientTime(flag string) (time.Time, string, error) {
	if flag != "" {
		t, err := time.Parse(time.RFC3339, flag)
		if err != nil {
			return time.Time{}, "", fmt.Errorf("--reference-time: %v", err)
		}
		return t, "--reference-time", nil
	}
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, "", fmt.Errorf("SOURCE_DATE_EPOCH %q: %v", s, err)
		}
		return time.Unix(n, 0).UTC(), "SOURCE_DATE_EPOCH", nil
	}
	return time.Time{}, "", nil
}
