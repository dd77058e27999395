package sbom

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
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

func TestCheckTable(t *testing.T) {
	tests := []struct {
		file, standard string
		conformant     bool
		wantFail       []string
		wantPass       []string
	}{
		{"testdata/minimal-cdx12.json", StandardBSI, false,
			[]string{"bsi-tr-03183-2/spec-version", "bsi-tr-03183-2/sbom-creator", "bsi-tr-03183-2/sbom-timestamp", "bsi-tr-03183-2/component-hash-sha512", "bsi-tr-03183-2/component-filename"},
			[]string{"bsi-tr-03183-2/component-licence", "bsi-tr-03183-2/component-creator", "bsi-tr-03183-2/no-vulnerabilities"}},
		{"testdata/minimal-cdx12.json", StandardNTIA, true, nil,
			[]string{"ntia/supplier", "ntia/unique-identifier", "ntia/dependency-relationship", "ntia/timestamp"}},
		{"testdata/minimal-spdx23.json", StandardBSI, false,
			[]string{"bsi-tr-03183-2/spec-version", "bsi-tr-03183-2/component-executable"},
			[]string{"bsi-tr-03183-2/sbom-creator", "bsi-tr-03183-2/sbom-timestamp", "bsi-tr-03183-2/component-licence"}},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.standard, func(t *testing.T) {
			doc, err := Decode(mustRead(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Check(doc, tt.standard)
			if err != nil {
				t.Fatal(err)
			}
			if r.Conformant != tt.conformant {
				t.Errorf("conformant = %v, want %v", r.Conformant, tt.conformant)
			}
			status := map[string]string{}
			for _, c := range r.Summary {
				status[c.Requirement] = StatusPass
				if c.Fail > 0 {
					status[c.Requirement] = StatusFail
				}
			}
			for _, id := range tt.wantFail {
				if status[id] != StatusFail {
					t.Errorf("%s = %q, want fail", id, status[id])
				}
			}
			for _, id := range tt.wantPass {
				if status[id] != StatusPass {
					t.Errorf("%s = %q, want pass", id, status[id])
				}
			}
			// One result per requirement per subject.
			reqs, _ := Requirements(tt.standard)
			var docReqs, compReqs int
			for _, q := range reqs {
				if q.Scope == ScopeDocument {
					docReqs++
				} else {
					compReqs++
				}
			}
			if want := docReqs + compReqs*len(doc.Components); len(r.Results) != want {
				t.Errorf("%d results, want %d", len(r.Results), want)
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

// TestRealWorldSBOMs: every real SBOM decodes and is judged without error.
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
			for _, std := range []string{StandardBSI, StandardNTIA} {
				r, err := Check(doc, std)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := r.WriteText(&buf); err != nil || buf.Len() == 0 {
					t.Errorf("text output: %v", err)
				}
				if _, err := r.JSON(); err != nil {
					t.Error(err)
				}
			}
			if _, err := Import(filepath.Join(dir, e.Name())); err != nil {
				t.Errorf("import: %v", err)
			}
		})
	}
}

// bigSBOM builds a CycloneDX 1.6 SBOM of n components.
func bigSBOM(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"timestamp":"2026-01-01T00:00:00Z","authors":[{"name":"x","email":"x@example.org"}]},"components":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"bom-ref":"c%d","type":"library","name":"lib%d","version":"1.%d","purl":"pkg:generic/lib%d@1.%d","licenses":[{"license":{"id":"MIT"}}],"authors":[{"email":"dev@example.org"}],"hashes":[{"alg":"SHA-512","content":"%0128x"}],"properties":[{"name":"bsi:component:filename","value":"lib%d.so"},{"name":"bsi:component:executable","value":"executable"},{"name":"bsi:component:archive","value":"no archive"},{"name":"bsi:component:structured","value":"unstructured"}]}`, i, i, i, i, i, i, i)
	}
	b.WriteString(`],"dependencies":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"ref":"c%d","dependsOn":[]}`, i)
	}
	b.WriteString(`],"compositions":[{"aggregate":"complete","dependencies":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"c%d"`, i)
	}
	b.WriteString(`]}]}`)
	return b.Bytes()
}

func TestBigSBOMConformant(t *testing.T) {
	doc, err := Decode(bigSBOM(200))
	if err != nil {
		t.Fatal(err)
	}
	r, _ := Check(doc, StandardBSI)
	if !r.Conformant {
		var buf bytes.Buffer
		_ = r.WriteText(&buf)
		t.Fatalf("not conformant:\n%s", buf.String())
	}
}

func BenchmarkCheck10000(b *testing.B) {
	data := bigSBOM(10000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		doc, err := Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		r, _ := Check(doc, StandardBSI)
		if !r.Conformant {
			b.Fatal("not conformant")
		}
		var buf bytes.Buffer
		_ = r.WriteText(&buf)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(mustRead(f, "testdata/minimal-cdx12.json"))
	f.Add(mustRead(f, "testdata/minimal-spdx23.json"))
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"components":[{"name":"x"}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := Decode(b)
		if err != nil {
			return
		}
		for _, std := range []string{StandardBSI, StandardNTIA} {
			if _, err := Check(doc, std); err != nil {
				t.Fatal(err)
			}
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
