package csaf

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocsaf/csaf/v3/util"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/vex"
	"github.com/craudit/craudit/evidence/vex/csafvex"
	"github.com/craudit/craudit/evidence/vuln"
	"github.com/craudit/craudit/fixtures/minibundle"
	"github.com/craudit/craudit/fixtures/shared"
	"github.com/craudit/craudit/fixtures/thermostat"
	"github.com/craudit/craudit/reports/internal/dossiertest"
)

var stamp = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// input opens a small signed bundle with the demo's busybox findings, a
// generated library finding and the demo's VEX for 1.0.1.
func input(t *testing.T, releaseExtra string) *checks.Input {
	t.Helper()
	vexDoc, err := thermostat.VEX("1.0.1")
	if err != nil {
		t.Fatal(err)
	}
	mb, err := minibundle.Write(t.TempDir(), minibundle.Options{ReleaseExtra: releaseExtra, Items: []minibundle.Item{
		{Path: bundle.SBOMFile, Role: bundle.RoleSBOM, Body: dossiertest.SBOM(3)},
		{Path: bundle.VulnsFile, Role: bundle.RoleVulns, Body: dossiertest.Vulns(3)},
		{Path: bundle.VEXDir + thermostat.VEXName("1.0.1"), Role: bundle.RoleVEX, Body: vexDoc},
	}})
	if err != nil {
		t.Fatal(err)
	}
	b := mb.Open(t)
	if !b.OK() {
		t.Fatalf("open: %v", b.Problems)
	}
	return checks.Load(b, mb.Root.Public(), minibundle.At, nil)
}

func build(t *testing.T, in *checks.Input) *Result {
	t.Helper()
	res, err := Build(in, Options{Stamp: stamp, ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func file(t *testing.T, res *Result, category string) (File, *csafvex.Document) {
	t.Helper()
	for _, f := range res.Files {
		if f.Category == category {
			var d csafvex.Document
			if err := json.Unmarshal(f.Data, &d); err != nil {
				t.Fatal(err)
			}
			return f, &d
		}
	}
	t.Fatalf("no %s among %d files (notes %v)", category, len(res.Files), res.Notes)
	return File{}, nil
}

func vulnByCVE(t *testing.T, d *csafvex.Document, cve string) csafvex.Vulnerability {
	t.Helper()
	for _, v := range d.Vulnerabilities {
		if v.CVE == cve {
			return v
		}
	}
	t.Fatalf("%s not in %s", cve, d.Document.Tracking.ID)
	return csafvex.Vulnerability{}
}

// sharedSchema compiles ../shared/testdata/schemas/csaf, the OASIS schema
// with FIRST's CVSS schemas mapped from their absolute URLs to local files.
var sharedSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	root, ok := shared.ModuleRoot()
	if !ok {
		return nil, errors.New("no module root")
	}
	dir := filepath.Join(root, "..", "shared", "testdata", "schemas", "csaf")
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	files := map[string]string{
		"https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json": "csaf_json_schema.json",
		"https://www.first.org/cvss/cvss-v2.0.json":                        "cvss-v2.0.json",
		"https://www.first.org/cvss/cvss-v3.0.json":                        "cvss-v3.0.json",
		"https://www.first.org/cvss/cvss-v3.1.json":                        "cvss-v3.1.json",
	}
	for url, name := range files {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			return nil, err
		}
		if err := c.AddResource(url, doc); err != nil {
			return nil, err
		}
	}
	return c.Compile("https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json")
})

// validate runs both validators and the mandatory tests; it returns every problem.
func validate(t *testing.T, data []byte) []string {
	t.Helper()
	shared.Testdata(t, "schemas", "csaf", "csaf_json_schema.json")
	problems, err := csafvex.ValidateSchema(data)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sharedSchema()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(doc); err != nil {
		problems = append(problems, "shared schema: "+err.Error())
	}
	var d csafvex.Document
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	for _, p := range csafvex.Mandatory(&d) {
		problems = append(problems, p.String())
	}
	return problems
}

func TestBuildValidDocuments(t *testing.T) {
	res := build(t, input(t, ""))
	if len(res.Files) != 2 {
		t.Fatalf("%d files, notes %v", len(res.Files), res.Notes)
	}
	for _, f := range res.Files {
		if p := validate(t, f.Data); len(p) > 0 {
			t.Errorf("%s: %v", f.Name, p)
		}
		if bytes.Contains(f.Data, []byte(`\u0026`)) {
			t.Errorf("%s: package URLs written with \\u0026 for &", f.Name)
		}
		if !util.ConformingFileName(f.Name) || f.Name != util.CleanFileName(f.TrackingID) {
			t.Errorf("file name %q for tracking ID %q", f.Name, f.TrackingID)
		}
	}
	af, adv := file(t, res, csafvex.CategoryAdvisory)
	if af.Name != "thermo-demo-st100-1_0_1.json" {
		t.Errorf("advisory file %q", af.Name)
	}
	if len(adv.Vulnerabilities) != 1 {
		t.Fatalf("advisory vulnerabilities %+v", adv.Vulnerabilities)
	}
	v := vulnByCVE(t, adv, "CVE-2023-42366")
	if !slices.Contains(v.ProductStatus.Fixed, "thermo-demo-st100-1.0.1") || len(v.Remediations) != 1 || v.Remediations[0].Category != "vendor_fix" ||
		v.Remediations[0].URL != "https://thermo-demo.example/security/advisories/TDSA-2026-01" {
		t.Errorf("fixed vulnerability %+v", v)
	}
	if adv.Document.AggregateSeverity == nil || adv.Document.AggregateSeverity.Text != "high" || adv.Document.Distribution.TLP.Label != "WHITE" {
		t.Errorf("document %+v", adv.Document)
	}
	if adv.Document.Tracking.InitialReleaseDate != "2026-06-01T00:00:00Z" {
		t.Errorf("tracking %+v", adv.Document.Tracking)
	}

	vf, vd := file(t, res, csafvex.CategoryVEX)
	if vf.Name != "thermo-demo-st100-1_0_1-vex.json" {
		t.Errorf("VEX file %q", vf.Name)
	}
	bb := "thermo-demo-st100-1.0.1:busybox-1.36.1-r16"
	na := vulnByCVE(t, vd, "CVE-2023-42363")
	if !slices.Contains(na.ProductStatus.KnownNotAffected, bb) || len(na.Flags) != 1 || na.Flags[0].Label != "vulnerable_code_not_in_execute_path" ||
		len(na.Threats) != 1 || !strings.Contains(na.Threats[0].Details, "never starts awk") {
		t.Errorf("not affected %+v", na)
	}
	if fx := vulnByCVE(t, vd, "CVE-2023-42366"); !slices.Contains(fx.ProductStatus.Fixed, bb) {
		t.Errorf("fixed %+v", fx)
	}
	// The generated library finding has no statement: under investigation, said so.
	var open *csafvex.Vulnerability
	for i, v := range vd.Vulnerabilities {
		if v.CVE == "" && len(v.IDs) == 1 && v.IDs[0].Text == "GHSA-test-0002" {
			open = &vd.Vulnerabilities[i]
		}
	}
	if open == nil || len(open.ProductStatus.UnderInvestigation) != 1 || !strings.Contains(string(mustJSON(t, open.Notes)), "no VEX statement covers it") {
		t.Errorf("unassessed finding %+v", open)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBuildDeterministic(t *testing.T) {
	a, b := build(t, input(t, "")), build(t, input(t, ""))
	for i := range a.Files {
		if !bytes.Equal(a.Files[i].Data, b.Files[i].Data) {
			t.Errorf("%s differs between runs", a.Files[i].Name)
		}
	}
}

func TestBuildPreviousVersion(t *testing.T) {
	res := build(t, input(t, "previous_version: \"1.0.0\"\n"))
	f, adv := file(t, res, csafvex.CategoryAdvisory)
	if p := validate(t, f.Data); len(p) > 0 {
		t.Fatal(p)
	}
	v := vulnByCVE(t, adv, "CVE-2023-42366")
	if !slices.Equal(v.ProductStatus.KnownAffected, []string{"thermo-demo-st100-1.0.0"}) || !slices.Equal(v.Remediations[0].ProductIDs, []string{"thermo-demo-st100-1.0.0"}) {
		t.Errorf("%+v", v)
	}
	if !bytes.Contains(f.Data, []byte(`"purl": "pkg:generic/thermo-demo-st100@1.0.0"`)) {
		t.Error("the previous release has no package URL")
	}
}

func TestBuildRefusesWhatItCannotFill(t *testing.T) {
	in := input(t, "")
	in.Product.Manufacturer.Website = ""
	_, err := Build(in, Options{Stamp: stamp})
	var ie *InputError
	if !errors.As(err, &ie) || ie.Path != bundle.ProductFile || !strings.Contains(err.Error(), "manufacturer.website") {
		t.Errorf("err = %v", err)
	}
	if _, err := Build(input(t, ""), Options{Stamp: stamp, TLP: "AMBER+STRICT"}); err == nil {
		t.Error("TLP AMBER+STRICT accepted")
	}
}

// TestBrokenDocumentsFail: the validators catch a schema violation and a
// mandatory-test failure (a not-affected product without impact statement).
func TestBrokenDocumentsFail(t *testing.T) {
	res := build(t, input(t, ""))
	_, d := file(t, res, csafvex.CategoryVEX)
	for _, tc := range []struct {
		name, want string
		edit       func(d *csafvex.Document)
	}{
		{"TLP 2.0 label", "label", func(d *csafvex.Document) { d.Document.Distribution.TLP.Label = "CLEAR" }},
		{"no impact statement", "6.1.27.9", func(d *csafvex.Document) {
			for i := range d.Vulnerabilities {
				d.Vulnerabilities[i].Flags, d.Vulnerabilities[i].Threats = nil, nil
			}
		}},
		{"undefined product", "6.1.1", func(d *csafvex.Document) {
			d.Vulnerabilities[0].ProductStatus.UnderInvestigation = append(d.Vulnerabilities[0].ProductStatus.UnderInvestigation, "nowhere")
		}},
		{"contradicting status", "6.1.6", func(d *csafvex.Document) {
			v := &d.Vulnerabilities[0]
			v.ProductStatus.UnderInvestigation = append(v.ProductStatus.UnderInvestigation, v.ProductStatus.KnownNotAffected[0])
		}},
		{"version not the newest revision", "6.1.16", func(d *csafvex.Document) { d.Document.Tracking.Version = "2" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c csafvex.Document
			if err := json.Unmarshal(mustJSON(t, d), &c); err != nil {
				t.Fatal(err)
			}
			tc.edit(&c)
			p := validate(t, mustJSON(t, &c))
			if !strings.Contains(strings.Join(p, "\n"), tc.want) {
				t.Errorf("problems %v, want %q", p, tc.want)
			}
			if _, err := csafvex.Read(mustJSON(t, &c)); err == nil {
				t.Error("the reader accepted it")
			}
		})
	}
}

// TestVEXRoundTrip: the CSAF VEX craudit writes is read back as --vex input
// and gives the same table, justifications and impact statements kept.
func TestVEXRoundTrip(t *testing.T) {
	in := input(t, "")
	res := build(t, in)
	f, _ := file(t, res, csafvex.CategoryVEX)
	doc, err := vex.Parse("vex/"+f.Name, f.Data)
	if err != nil {
		t.Fatal(err)
	}
	s, err := in.SBOM()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := vuln.Parse(dossiertest.Vulns(3))
	if err != nil {
		t.Fatal(err)
	}
	got, err := vex.ApplyDocument(s, rep, []*vex.Document{doc})
	if err != nil {
		t.Fatal(err)
	}
	want, err := in.VulnTable()
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Rows) != len(want.Rows) || len(got.Unmatched) != 0 {
		t.Fatalf("rows %d want %d, unmatched %+v invalid %+v", len(got.Rows), len(want.Rows), got.Unmatched, got.Invalid)
	}
	for i := range got.Rows {
		g, w := got.Rows[i], want.Rows[i]
		wantStatus := w.Status
		if wantStatus == vex.StatusNone {
			wantStatus = "under_investigation"
		}
		if g.ID != w.ID || g.Status != wantStatus || g.Justification != w.Justification || g.ImpactStatement != w.ImpactStatement {
			t.Errorf("row %d: got %+v\nwant %+v", i, g, w)
		}
		if g.Status != "under_investigation" && !strings.Contains(g.Statement, "#vulnerabilities[") {
			t.Errorf("row %d statement %q does not name its CSAF location", i, g.Statement)
		}
	}
}
