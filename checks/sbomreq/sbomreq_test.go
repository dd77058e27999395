package sbomreq

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/sbom"
	"github.com/craudit/craudit/fixtures/shared"
)

// The small SBOMs the reader is tested with serve here too.
const sbomTestdata = "../../evidence/sbom/testdata"

func decodeFile(t testing.TB, name string) (*sbom.Document, []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sbomTestdata, name))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := sbom.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return doc, b
}

func TestCheckTable(t *testing.T) {
	tests := []struct {
		file, standard string
		conformant     bool
		wantFail       []string
		wantPass       []string
	}{
		// A licence without acknowledgement is not a distribution licence;
		// a timestamp at +02:00 is only advice.
		{"minimal-cdx12.json", StandardBSI, false,
			[]string{"bsi-tr-03183-2/spec-version", "bsi-tr-03183-2/sbom-creator", "bsi-tr-03183-2/component-hash-sha512", "bsi-tr-03183-2/component-filename", "bsi-tr-03183-2/component-licence"},
			[]string{"bsi-tr-03183-2/sbom-timestamp", "bsi-tr-03183-2/component-creator", "bsi-tr-03183-2/no-vulnerabilities", "bsi-tr-03183-2/component-identifiers"}},
		{"minimal-cdx12.json", "", false, // the default standard is BSI
			[]string{"bsi-tr-03183-2/spec-version"}, nil},
		{"minimal-cdx12.json", StandardNTIA, true, nil,
			[]string{"ntia/supplier", "ntia/unique-identifiers", "ntia/dependency-relationship", "ntia/timestamp"}},
		// app has a declared licence only; zlib a concluded one.
		{"minimal-spdx23.json", StandardBSI, false,
			[]string{"bsi-tr-03183-2/spec-version", "bsi-tr-03183-2/component-executable", "bsi-tr-03183-2/component-licence"},
			[]string{"bsi-tr-03183-2/sbom-creator", "bsi-tr-03183-2/sbom-timestamp", "bsi-tr-03183-2/component-original-licence"}},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.standard, func(t *testing.T) {
			doc, _ := decodeFile(t, tt.file)
			r, err := Check(doc, tt.standard)
			if err != nil {
				t.Fatal(err)
			}
			if r.Conformant != tt.conformant {
				t.Errorf("conformant = %v, want %v", r.Conformant, tt.conformant)
			}
			if want := tt.standard; want != "" && r.Standard != want {
				t.Errorf("standard = %q, want %q", r.Standard, want)
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
			if want := docReqs + compReqs*(len(doc.Primary)+len(doc.Components)); len(r.Results) != want {
				t.Errorf("%d results, want %d", len(r.Results), want)
			}
		})
	}
}

func TestUnknownStandard(t *testing.T) {
	doc, _ := decodeFile(t, "minimal-cdx12.json")
	if _, err := Requirements("spdx-lite"); !errors.Is(err, ErrUnknownStandard) {
		t.Errorf("Requirements: err = %v, want ErrUnknownStandard", err)
	}
	if r, err := Check(doc, "spdx-lite"); !errors.Is(err, ErrUnknownStandard) || r != nil {
		t.Errorf("Check: %v, %v; want nil, ErrUnknownStandard", r, err)
	}
}

func TestNoComponentsIsAGap(t *testing.T) {
	doc, err := sbom.Decode([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"timestamp":"2026-01-01T00:00:00Z","authors":[{"email":"x@example.org"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Check(doc, StandardBSI)
	if err != nil {
		t.Fatal(err)
	}
	if r.Conformant {
		t.Fatal("an SBOM without components is conformant")
	}
	var buf bytes.Buffer
	if err := r.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "the SBOM lists no components") || !strings.Contains(buf.String(), "NOT conformant") {
		t.Errorf("text output lacks the gap:\n%s", buf.String())
	}
}

func TestOutputForms(t *testing.T) {
	doc, _ := decodeFile(t, "minimal-spdx23.json")
	r, err := Check(doc, StandardBSI)
	if err != nil {
		t.Fatal(err)
	}
	r.File = "vendor.spdx.json"
	b, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Schema != Schema || back.File != "vendor.spdx.json" || len(back.Results) != len(r.Results) || b[len(b)-1] != '\n' {
		t.Errorf("JSON round trip: schema %q file %q %d results", back.Schema, back.File, len(back.Results))
	}
	var buf bytes.Buffer
	if err := r.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, want := range []string{"vendor.spdx.json (SPDX 2.3", "NOT conformant to bsi-tr-03183-2 v2.1.0", "Gaps:", "bsi-tr-03183-2/component-executable"} {
		if !strings.Contains(text, want) {
			t.Errorf("text output lacks %q:\n%s", want, text)
		}
	}
}

// The demo SBOM (evidence/sbom/generate's golden file, which its test keeps
// equal to what the generator makes) passes the BSI TR with real data only.
func TestGeneratedSBOMConformant(t *testing.T) {
	b, err := os.ReadFile("../../evidence/sbom/generate/testdata/thermostat-1.0.1.cdx.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := sbom.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	marked := false
	for _, c := range doc.Components {
		marked = marked || len(c.Concluded) > 0 || len(c.Declared) > 0
	}
	if !marked {
		// The generator marks concluded and declared licences in the same
		// issue (16), on another branch; until then its golden file cannot
		// meet section 8.2's licence mapping.
		t.Skip("the generated SBOM marks no licence as concluded yet (generation change of issue 16 pending)")
	}
	r, err := Check(doc, StandardBSI)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Conformant || len(doc.Components) == 0 {
		var buf bytes.Buffer
		_ = r.WriteText(&buf)
		t.Errorf("generated SBOM is not BSI-conformant:\n%s", buf.String())
	}
}

// TestRealWorldSBOMs: every real SBOM is judged without error, in both forms.
func TestRealWorldSBOMs(t *testing.T) {
	dir := shared.Testdata(t, "sbom")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			doc, _, err := sbom.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
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
		})
	}
}

// bigSBOM builds a conformant CycloneDX 1.6 SBOM of n components.
func bigSBOM(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"timestamp":"2026-01-01T00:00:00Z","authors":[{"name":"x","email":"x@example.org"}]},"components":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"bom-ref":"c%d","type":"library","name":"lib%d","version":"1.%d","purl":"pkg:generic/lib%d@1.%d","licenses":[{"license":{"id":"MIT","acknowledgement":"concluded"}}],"authors":[{"email":"dev@example.org"}],"hashes":[{"alg":"SHA-512","content":"%0128x"}],"properties":[{"name":"bsi:component:filename","value":"lib%d.so"},{"name":"bsi:component:executable","value":"executable"},{"name":"bsi:component:archive","value":"no archive"},{"name":"bsi:component:structured","value":"unstructured"}]}`, i, i, i, i, i, i, i)
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
	doc, err := sbom.Decode(bigSBOM(200))
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
		doc, err := sbom.Decode(data)
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

// FuzzCheck: whatever the reader accepts is judged without an error or a
// panic, under both standards.
func FuzzCheck(f *testing.F) {
	for _, name := range []string{"minimal-cdx12.json", "minimal-spdx23.json"} {
		_, b := decodeFile(f, name)
		f.Add(b)
	}
	f.Add([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"components":[{"name":"x"}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := sbom.Decode(b)
		if err != nil {
			return
		}
		for _, std := range []string{StandardBSI, StandardNTIA} {
			r, err := Check(doc, std)
			if err != nil {
				t.Fatal(err)
			}
			if r.Conformant && len(doc.Components) == 0 {
				t.Fatal("conformant without components")
			}
		}
	})
}

// BenchmarkCheckLargestReal: decode and judge the largest real SBOM of the
// shared test data (the CycloneDX 1.5 minikube SBOM with files, 3.1 MB).
func BenchmarkCheckLargestReal(b *testing.B) {
	var best string
	var size int64
	for _, sub := range []string{"sbom", "sbom-more"} {
		dir := shared.Testdata(b, sub)
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if fi, err := e.Info(); err == nil && strings.Contains(e.Name(), ".json") && fi.Size() > size {
				best, size = filepath.Join(dir, e.Name()), fi.Size()
			}
		}
	}
	data, err := os.ReadFile(best)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s (%d bytes)", filepath.Base(best), len(data))
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		doc, err := sbom.Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Check(doc, StandardBSI); err != nil {
			b.Fatal(err)
		}
	}
}

// The streamed JSON is the same document as JSON's.
func TestWriteJSONEqualsJSON(t *testing.T) {
	for _, name := range []string{"minimal-cdx12.json", "minimal-spdx23.json"} {
		doc, _ := decodeFile(t, name)
		r, err := Check(doc, StandardBSI)
		if err != nil {
			t.Fatal(err)
		}
		r.File = name
		whole, err := r.JSON()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := r.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		var a, b any
		if err := json.Unmarshal(whole, &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(buf.Bytes(), &b); err != nil {
			t.Fatalf("streamed JSON does not parse: %v\n%s", err, buf.String())
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: streamed JSON differs:\n%s\nwant\n%s", name, buf.String(), whole)
		}
	}
}
