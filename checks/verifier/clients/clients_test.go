package clients

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/checks/verifier"
)

func TestDeviceIdentity(t *testing.T) {
	tests := []struct {
		name          string
		file          string // "": no device.json
		product, hwid string // from the flags
		wantProduct   string
		wantHW        string
		wantErr       bool
	}{
		{"no file, no flags: left empty", "", "", "", "", "", false},
		{"file fills both", `{"product":"thermo","hardware_id":"tx-100"}`, "", "", "thermo", "tx-100", false},
		{"flags win over the file", `{"product":"thermo","hardware_id":"tx-100"}`, "kettle", "k-1", "kettle", "k-1", false},
		{"file fills only what is missing", `{"product":"thermo","hardware_id":"tx-100"}`, "kettle", "", "kettle", "tx-100", false},
		{"both flags: the file is not read", `not json`, "kettle", "k-1", "kettle", "k-1", false},
		{"incomplete file", `{"product":"thermo"}`, "", "", "", "", true},
		{"not JSON", `{`, "", "", "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.file != "" {
				if err := os.WriteFile(filepath.Join(dir, DeviceFile), []byte(tc.file), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			o := verifier.Options{StateDir: dir, Product: tc.product, HardwareID: tc.hwid}
			err := DeviceIdentity(&o)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("no error; got %q %q", o.Product, o.HardwareID)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.Product != tc.wantProduct || o.HardwareID != tc.wantHW {
				t.Errorf("got %q %q, want %q %q", o.Product, o.HardwareID, tc.wantProduct, tc.wantHW)
			}
		})
	}
}

func TestTUFInitRefusesWhatIsNotARoot(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "root.json")
	if err := os.WriteFile(bad, []byte(`{"signed":{"_type":"targets"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	meta := filepath.Join(dir, "md")
	if err := TUFInit(meta, bad); err == nil {
		t.Fatal("a non-root file was trusted")
	}
	if _, err := os.Stat(filepath.Join(meta, TUFRootFile)); !os.IsNotExist(err) {
		t.Errorf("something was written: %v", err)
	}
	if err := TUFInit(meta, filepath.Join(dir, "absent.json")); err == nil {
		t.Error("a missing root was trusted")
	}
}

func TestRequiredArguments(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, err := TUFUpdate(ctx, TUFOptions{MetadataDir: dir}); err == nil || !strings.Contains(err.Error(), "metadata-url") {
		t.Errorf("TUFUpdate without a URL: %v", err)
	}
	if _, err := TUFUpdate(ctx, TUFOptions{MetadataDir: dir, MetadataURL: "http://127.0.0.1:1/metadata", Download: true, TargetNames: []string{"a"}}); err == nil || !strings.Contains(err.Error(), "download needs") {
		t.Errorf("download without its target flags: %v", err)
	}
	for _, o := range []verifier.Options{
		{RepoURL: "https://127.0.0.1:1", StateDir: dir},
		{TrustFile: "root.pub", StateDir: dir},
		{TrustFile: "root.pub", RepoURL: "https://127.0.0.1:1"},
	} {
		if _, err := ManifestUpdate(ctx, o, filepath.Join(dir, "device")); err == nil || !strings.Contains(err.Error(), "required") {
			t.Errorf("ManifestUpdate(%+v): %v", o, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "device")); !os.IsNotExist(err) {
		t.Errorf("a refused update made the device folder: %v", err)
	}
}

// A refused update leaves the slot as it was: nothing of the attempt is installed.
func TestManifestUpdateKeepsTheSlotOnFailure(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "device")
	slot := filepath.Join(out, SlotDir)
	if err := os.MkdirAll(slot, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(slot, "fw.bin"), []byte("installed before"), 0o644); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "root.pub")
	if err := os.WriteFile(root, []byte("not a key"), 0o644); err != nil {
		t.Fatal(err)
	}
	o := verifier.Options{TrustFile: root, RepoURL: "https://127.0.0.1:1", StateDir: filepath.Join(dir, "state")}
	if _, err := ManifestUpdate(context.Background(), o, out); err == nil {
		t.Fatal("an update with an unusable trust file succeeded")
	}
	b, err := os.ReadFile(filepath.Join(slot, "fw.bin"))
	if err != nil || string(b) != "installed before" {
		t.Errorf("slot changed: %q, %v", b, err)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 {
		t.Errorf("staging left behind: %v", entries)
	}
}
