package csafvex

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/craudit/craudit/fixtures/shared"
)

// FuzzRead feeds arbitrary bytes to the CSAF VEX reader: it must never
// panic, and what it accepts converts to statements that name a product.
func FuzzRead(f *testing.F) {
	f.Add([]byte(minimalVEX))
	f.Add([]byte(`{"document":{"csaf_version":"2.0"}}`))
	f.Add([]byte(`{"document":{"csaf_version":"2.0","csaf_version":"2.0"}}`))
	if root, ok := shared.ModuleRoot(); ok {
		dir := filepath.Join(root, "..", "shared", "testdata", "vex", "csaf")
		if es, err := os.ReadDir(dir); err == nil {
			for _, e := range es {
				if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
					f.Add(b)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Read(b)
		if err != nil {
			return
		}
		if len(s.Locations) != len(s.VEX.Statements) {
			t.Fatalf("%d locations for %d statements", len(s.Locations), len(s.VEX.Statements))
		}
		for _, st := range s.VEX.Statements {
			if len(st.Products) != 1 || st.Products[0].Component.ID == "" {
				t.Fatalf("statement without a product ID: %+v", st)
			}
		}
	})
}
