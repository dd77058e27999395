package sbom

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The XML form of an SBOM reads into the same model as its JSON form.
func TestCycloneDXXMLMatchesJSON(t *testing.T) {
	fromJSON, err := Decode(mustRead(t, "testdata/bsi-cdx16.json"))
	if err != nil {
		t.Fatal(err)
	}
	fromXML, err := Decode(mustRead(t, "testdata/bsi-cdx16.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromJSON, fromXML) {
		t.Errorf("XML and JSON differ:\nJSON %+v\nXML  %+v", fromJSON, fromXML)
	}
	d := fromXML
	if d.Format != "CycloneDX" || d.SpecVersion != "1.6" || d.Serial != "urn:uuid:0b7a3f52-1d5e-4c1f-9a55-2f1e8d6c4a10" || d.Timestamp != "2026-02-01T08:00:00Z" {
		t.Errorf("document: %s %s %s %s", d.Format, d.SpecVersion, d.Serial, d.Timestamp)
	}
	if len(d.Primary) != 2 || d.Primary[0].Ref != "product" || d.Primary[1].Parent != "product" || !slices.Equal(d.Primary[0].Children, []int{1}) {
		t.Errorf("primary tree: %+v", d.Primary)
	}
	if d.Subject == nil || d.Subject.Ref != "product" {
		t.Errorf("subject: %+v", d.Subject)
	}
	if len(d.Components) != 2 || d.Components[1].Ref != "zlib" || d.Components[1].Parent != "fw" {
		t.Fatalf("components: %+v", d.Components)
	}
	z := d.Components[1]
	if !slices.Equal(z.Concluded, []string{"Zlib"}) || !slices.Equal(z.Declared, []string{"Zlib"}) || z.SWID != "zlib-1.3.1" ||
		z.CPE == "" || z.Name != "madler/zlib" || z.Prop("bsi:component:effectiveLicense") != "Zlib" {
		t.Errorf("zlib: %+v", z)
	}
	roles := map[string]string{}
	for _, p := range z.Creators {
		roles[p.Name] = p.Role
	}
	if roles["Mark Adler"] != RoleAuthor || roles["Distro Builders"] != RoleSupplier {
		t.Errorf("zlib parties: %+v", z.Creators)
	}
	if refs := z.RefsOf("source-distribution"); len(refs) != 1 || refs[0].Hashes["SHA-256"] == "" {
		t.Errorf("source-distribution: %+v", refs)
	}
	fw := d.Components[0]
	if dist := fw.RefsOf("distribution"); len(dist) != 1 || len(dist[0].Hashes["SHA-512"]) != 128 || dist[0].URL == "" {
		t.Errorf("firmware distribution reference: %+v", dist)
	}
	if d.Completeness["zlib"] != "unknown" || d.Completeness["fw"] != "complete" || !slices.Equal(d.Deps["product"], []string{"fw", "boot"}) {
		t.Errorf("dependencies: %v %v", d.Deps, d.Completeness)
	}
	if len(d.Creators) != 1 || d.Creators[0].Role != RoleManufacturer || d.Creators[0].Email != "psirt@devices.example" {
		t.Errorf("SBOM creators: %+v", d.Creators)
	}
}

func TestCycloneDXXMLRejects(t *testing.T) {
	for name, in := range map[string]string{
		"not CycloneDX": `<bom xmlns="http://example.org/other"><metadata/></bom>`,
		"no namespace":  `<bom version="1"/>`,
		"truncated":     `<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component>`,
		"other root":    `<?xml version="1.0"?><html/>`,
		"entity":        `<!DOCTYPE bom [<!ENTITY x SYSTEM "file:///etc/passwd">]><bom xmlns="http://cyclonedx.org/schema/bom/1.6"><metadata><timestamp>&x;</timestamp></metadata></bom>`,
		"too deep":      `<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>` + strings.Repeat(`<component><name>x</name><components>`, 80) + strings.Repeat(`</components></component>`, 80) + `</components></bom>`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Decode([]byte(in)); !errors.Is(err, ErrUnreadable) {
				t.Errorf("err = %v, want ErrUnreadable", err)
			}
		})
	}
}

func TestSPDX3(t *testing.T) {
	d, err := Decode(mustRead(t, "testdata/bsi-spdx301.jsonld"))
	if err != nil {
		t.Fatal(err)
	}
	const base = "https://devices.example/spdx/gateway-3.1.0"
	if d.Format != "SPDX" || d.SpecVersion != "3.0.1" || d.Serial != base || d.Timestamp != "2026-02-01T08:00:00Z" {
		t.Errorf("document: %s %s %s %s", d.Format, d.SpecVersion, d.Serial, d.Timestamp)
	}
	if len(d.Creators) != 1 || d.Creators[0].Email != "psirt@devices.example" || d.Creators[0].Role != RoleAuthor || !slices.Equal(d.Tools, []string{"handmade 1"}) {
		t.Errorf("creators %+v tools %v", d.Creators, d.Tools)
	}
	// Two packages and the README; the two files that are the packages'
	// deployable forms are read into them.
	byRef := map[string]Component{}
	for _, c := range d.Components {
		byRef[strings.TrimPrefix(c.Ref, base)] = c
	}
	if len(d.Components) != 3 || byRef["/pkg/gateway"].Name == "" || byRef["/pkg/zlib"].Name == "" || byRef["/file/readme"].Type != "file" {
		t.Fatalf("components: %v", byRef)
	}
	gw := byRef["/pkg/gateway"]
	if d.Subject == nil || d.Subject.Ref != gw.Ref {
		t.Errorf("subject = %+v, want the gateway package", d.Subject)
	}
	if gw.Filename != "gateway-3.1.0.img" || gw.Prop("bsi:component:executable") != "executable" || gw.Prop("bsi:component:archive") != "archive" ||
		gw.Prop("bsi:component:structured") != "unstructured" || !slices.Equal(gw.Concluded, []string{"LicenseRef-Example-Proprietary AND Zlib"}) {
		t.Errorf("gateway: %+v", gw)
	}
	if dist := gw.RefsOf("distribution"); len(dist) != 1 || dist[0].URL != "https://devices.example/fw/gateway-3.1.0.img" || len(dist[0].Hashes["SHA-512"]) != 128 ||
		strings.ToLower(dist[0].Hashes["SHA-512"]) != dist[0].Hashes["SHA-512"] {
		t.Errorf("gateway distribution: %+v", dist)
	}
	z := byRef["/pkg/zlib"]
	if z.Filename != "libz.so.1.3.1" || z.Prop("bsi:component:executable") != "executable" || z.Prop("bsi:component:archive") != "no archive" ||
		z.Prop("bsi:component:structured") != "" || z.PURL != "pkg:generic/zlib@1.3.1" || z.CPE == "" || z.Supplier != "Distro Builders" ||
		!slices.Equal(z.Declared, []string{"Zlib"}) || len(z.RefsOf("rfc-9116")) != 1 {
		t.Errorf("zlib: %+v", z)
	}
	if len(z.Creators) != 2 || z.Creators[0].Role != RoleOriginator || z.Creators[0].URL != "https://zlib.net" || z.Creators[1].Role != RoleSupplier {
		t.Errorf("zlib parties: %+v", z.Creators)
	}
	if d.Completeness[z.Ref] != "complete" || len(d.Deps[z.Ref]) != 0 || len(d.Deps[gw.Ref]) != 2 {
		t.Errorf("dependencies %v completeness %v", d.Deps, d.Completeness)
	}
	if d.HasVulnerabilities {
		t.Error("no vulnerability elements, yet HasVulnerabilities")
	}
}

func TestSPDX3Rejects(t *testing.T) {
	ctx := `"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"`
	for name, in := range map[string]string{
		"no creation info": `{` + ctx + `, "@graph": [{"type": "software_Package", "spdxId": "x", "name": "a"}]}`,
		"no spec version":  `{` + ctx + `, "@graph": [{"type": "CreationInfo", "@id": "_:c", "created": "2026-01-01T00:00:00Z"}]}`,
		"graph not a list": `{` + ctx + `, "@graph": {"type": "CreationInfo"}}`,
		"to is a number":   `{` + ctx + `, "@graph": [{"type": "Relationship", "from": "a", "to": 3}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Decode([]byte(in)); !errors.Is(err, ErrUnreadable) {
				t.Errorf("err = %v, want ErrUnreadable", err)
			}
		})
	}
	vuln := `{` + ctx + `, "@graph": [{"type": "CreationInfo", "@id": "_:c", "specVersion": "3.0.1", "created": "2026-01-01T00:00:00Z"},
		{"type": "security_Vulnerability", "spdxId": "v", "creationInfo": "_:c"}]}`
	d, err := Decode([]byte(vuln))
	if err != nil || !d.HasVulnerabilities {
		t.Errorf("vulnerability element: %v, HasVulnerabilities %v", err, d != nil && d.HasVulnerabilities)
	}
}

// FuzzDecodeXML: CycloneDX XML input never panics or hangs the reader.
func FuzzDecodeXML(f *testing.F) {
	f.Add(mustRead(f, "testdata/bsi-cdx16.xml"))
	f.Add([]byte(`<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component><components><component/></components></component></components></bom>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := Decode(b)
		if err != nil {
			return
		}
		if doc.Format == "" {
			t.Fatal("decoded without a format")
		}
		_, _ = ToCycloneDX(doc, b)
	})
}

// FuzzDecodeSPDX3: SPDX 3 JSON-LD input never panics the reader.
func FuzzDecodeSPDX3(f *testing.F) {
	f.Add(mustRead(f, "testdata/bsi-spdx301.jsonld"))
	f.Add([]byte(`{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[{"type":"CreationInfo","@id":"_:c","specVersion":"3.0.1"},{"type":"SpdxDocument","creationInfo":{"specVersion":"3.0.1"},"rootElement":"p"},{"type":"Relationship","from":"p","relationshipType":"hasDistributionArtifact","to":"p"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, err := Decode(b)
		if err != nil {
			return
		}
		if doc.Format == "" {
			t.Fatal("decoded without a format")
		}
		_, _ = ToCycloneDX(doc, b)
	})
}
