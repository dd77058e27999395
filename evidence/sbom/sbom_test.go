package sbom

import (
	"errors"
	"fmt"
	"github.com/craudit/craudit/evidence/sbom/sniff"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/craudit/craudit/fixtures/shared"
)

func mustRead(t testing.TB, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeUnreadable(t *testing.T) {
	good := mustRead(t, "testdata/minimal-cdx12.json")
	for name, in := range map[string][]byte{
		"empty":     nil,
		"not json":  []byte("hello"),
		"truncated": good[:len(good)/2],
		"trailing":  append(append([]byte{}, good...), []byte("{}")...),
		"other":     []byte(`{"a": 1}`),
		"wrong bom": []byte(`{"bomFormat": "SPDX", "specVersion": "1.4"}`),
		"bad spdx":  []byte(`{"spdxVersion": 3}`),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Decode(in)
			if !errors.Is(err, ErrUnreadable) {
				t.Fatalf("err = %v, want ErrUnreadable", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

func TestImportSPDX(t *testing.T) {
	out, err := Import("testdata/minimal-spdx23.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Format != "CycloneDX" || doc.SpecVersion != "1.6" {
		t.Fatalf("converted to %s %s", doc.Format, doc.SpecVersion)
	}
	if doc.Subject == nil || doc.Subject.Name != "app" || doc.Subject.Filename != "app.bin" {
		t.Errorf("subject %+v", doc.Subject)
	}
	if len(doc.Components) != 1 || doc.Components[0].PURL != "pkg:generic/zlib@1.3.1" || doc.Components[0].Licences[0] != "Zlib" {
		t.Errorf("components %+v", doc.Components)
	}
	if doc.Completeness["SPDXRef-zlib"] != "complete" {
		t.Errorf("completeness %v", doc.Completeness)
	}
	if got := doc.Deps["SPDXRef-app"]; len(got) != 1 || got[0] != "SPDXRef-zlib" {
		t.Errorf("deps %v", doc.Deps)
	}
}

func TestImportCycloneDXUpgrades(t *testing.T) {
	out, err := Import("testdata/minimal-cdx12.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	if doc.SpecVersion != "1.6" || len(doc.Components) != 1 || doc.Components[0].PURL != "pkg:npm/left-pad@1.3.0" {
		t.Errorf("got %s with %+v", doc.SpecVersion, doc.Components)
	}
}

// TestRealWorldSBOMs: every real SBOM decodes and imports.
func TestRealWorldSBOMs(t *testing.T) {
	dir := shared.Testdata(t, "sbom")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			doc, _, err := ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Components) == 0 {
				t.Error("no components read")
			}
			if _, err := Import(filepath.Join(dir, e.Name())); err != nil {
				t.Errorf("import: %v", err)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(mustRead(f, "testdata/minimal-cdx12.json"))
	f.Add(mustRead(f, "testdata/minimal-spdx23.json"))
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"components":[{"name":"x"}]}]}`))
	f.Add([]byte(`{"BOMFORMAT":null,"spdxVersion":"SPDX-2.3","bomFormat":"CycloneDX"}`))
	f.Add([]byte(`{"spdxVersion":5,"bomFormat":"CycloneDX","specVersion":"1.6"} `))
	f.Add([]byte(`{"bom\u0046ormat":"CycloneDX","specVersion":"1.6"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := Decode(b)
		// The quick look at the top-level keys of JSON must change nothing.
		if !sniff.XML(b) {
			want, wantErr := decodeProbed(b)
			if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(doc, want) {
				t.Fatalf("Decode: %v, %+v\nwith the probe: %v, %+v", err, doc, wantErr, want)
			}
		}
		if err != nil {
			return
		}
		_, _ = ToCycloneDX(doc, b)
	})
}

func TestMerge(t *testing.T) {
	gen := mustRead(t, filepath.Join("generate", "testdata", "thermostat-1.0.1.cdx.json"))
	imp, err := Import("testdata/minimal-spdx23.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Merge(gen, imp, "vendor.spdx.json")
	if err != nil {
		t.Fatal(err)
	}
	g, _ := Decode(gen)
	m, err := Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Components) != len(g.Components)+2 {
		t.Fatalf("%d components after merge, want %d", len(m.Components), len(g.Components)+2)
	}
	if got := m.Deps["imported:vendor.spdx.json:SPDXRef-app"]; len(got) != 1 || got[0] != "imported:vendor.spdx.json:SPDXRef-zlib" {
		t.Errorf("deps %v", got)
	}
	if m.Components[0].Ref != g.Components[0].Ref || m.Timestamp != g.Timestamp {
		t.Error("generated part changed")
	}
}
