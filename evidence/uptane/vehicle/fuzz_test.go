package vehicle

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/craudit/craudit/fixtures/shared"
)

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"signatures":[{"keyid":"ab","method":"ed25519","sig":"00"}],"signed":{"primary_ecu_serial":"p","ecu_version_manifests":{"p":{"signatures":[],"signed":{"ecu_serial":"p","installed_image":{"filepath":"f","fileinfo":{"length":1,"hashes":{"sha256":"00"}}}}}}}}`))
	f.Add([]byte(`{"signatures":[],"signed":{"primary_ecu_serial":"p","ecu_version_manifest":[{"signatures":[],"signed":{"ecu_serial":"p","report_counter":"1"}}]}}`))
	if root, ok := shared.ModuleRoot(); ok {
		for _, p := range []string{"uptane/ota-connect/v1.json", "uptane/reference-implementation/samples/sample_vehicle_version_manifest_democar.json"} {
			if b, err := os.ReadFile(filepath.Join(root, "..", "shared", "testdata", p)); err == nil {
				f.Add(b)
			}
		}
	}
	kr := &Keyring{}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse("f.json", b)
		if err != nil {
			return
		}
		if r := Verify(m, kr, time.Unix(1<<31, 0)); r.Verified {
			t.Fatal("verified without keys")
		}
	})
}
