package sbomreq

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/sbom"
	"github.com/craudit/craudit/mappings"
)

type obj = map[string]any

const sha512Hex = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"

// conformantBSI is a CycloneDX 1.6 SBOM meeting every required field of
// TR-03183-2 v2.1.0 the way section 8.2 maps it: a primary component (a
// logical component over the firmware file), the firmware file with its
// SHA-512 in a distribution reference, and a library nested in it.
func conformantBSI() obj {
	maker := obj{"name": "Example GmbH", "url": []any{"https://example.com"}, "contact": []any{obj{"email": "psirt@example.com"}}}
	props := func(file, exe, arc, str string) []any {
		return []any{
			obj{"name": "bsi:component:filename", "value": file},
			obj{"name": "bsi:component:executable", "value": exe},
			obj{"name": "bsi:component:archive", "value": arc},
			obj{"name": "bsi:component:structured", "value": str},
		}
	}
	return obj{
		"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
		"serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
		"metadata": obj{
			"timestamp":    "2026-01-01T00:00:00Z",
			"manufacturer": maker,
			"component": obj{"bom-ref": "product", "type": "firmware", "name": "Widget", "version": "2.0.0",
				"manufacturer": maker, "licenses": []any{obj{"expression": "LicenseRef-Example-Proprietary AND MIT", "acknowledgement": "concluded"}}},
		},
		"components": []any{
			obj{"bom-ref": "fw", "type": "firmware", "name": "widget-fw.img", "version": "2.0.0", "manufacturer": maker,
				"licenses":           []any{obj{"expression": "LicenseRef-Example-Proprietary AND MIT", "acknowledgement": "concluded"}},
				"externalReferences": []any{obj{"type": "distribution", "url": "https://example.com/fw/widget-fw.img", "hashes": []any{obj{"alg": "SHA-512", "content": sha512Hex}}}},
				"properties":         props("widget-fw.img", "executable", "archive", "unstructured"),
				"components": []any{
					obj{"bom-ref": "zlib", "type": "library", "name": "zlib", "version": "1.3.1", "purl": "pkg:generic/zlib@1.3.1",
						"authors":            []any{obj{"name": "Mark Adler", "email": "madler@alumni.caltech.edu"}},
						"licenses":           []any{obj{"license": obj{"id": "Zlib", "acknowledgement": "concluded"}}, obj{"license": obj{"id": "Zlib", "acknowledgement": "declared"}}},
						"hashes":             []any{obj{"alg": "SHA-512", "content": sha512Hex}},
						"externalReferences": []any{obj{"type": "vcs", "url": "https://github.com/madler/zlib"}},
						"properties":         props("libz.so.1.3.1", "executable", "no archive", "unstructured")},
				}},
		},
		"dependencies": []any{obj{"ref": "product", "dependsOn": []any{"fw"}}, obj{"ref": "fw", "dependsOn": []any{"zlib"}}, obj{"ref": "zlib", "dependsOn": []any{}}},
		"compositions": []any{obj{"aggregate": "complete", "dependencies": []any{"product", "fw", "zlib"}}},
	}
}

// at walks a path of keys and indexes into a document.
func at(d any, path ...any) obj {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			d = d.(obj)[k]
		case int:
			d = d.([]any)[k]
		}
	}
	return d.(obj)
}

func judge(t *testing.T, d obj) *Report {
	t.Helper()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := sbom.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Check(doc, StandardBSI)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// result returns the status and message of one requirement on one subject.
func result(r *Report, req, subject string) (string, string) {
	for _, x := range r.Results {
		if x.Requirement == bsi+req && x.Subject == subject {
			return x.Status, x.Message
		}
	}
	return "", ""
}

func TestBSIConformantBase(t *testing.T) {
	r := judge(t, conformantBSI())
	if !r.Conformant {
		t.Fatalf("base SBOM not conformant: %+v", failures(r))
	}
	if r.Components != 3 {
		t.Errorf("%d components judged, want 3 (primary, firmware, nested library)", r.Components)
	}
	for _, c := range []struct{ req, subject, status string }{
		{"component-hash-sha512", "fw", StatusPass}, // from the distribution reference alone
		{"component-hash-sha512", "product", StatusNotApplicable},
		{"component-filename", "product", StatusNotApplicable},
		{"component-licence", "product", StatusPass},
		{"component-creator", "product", StatusPass},
		{"component-source-uri", "zlib", StatusPass},
		{"component-source-uri", "fw", StatusNotGiven},
		{"component-uri-deployable", "fw", StatusPass},
		{"component-original-licence", "zlib", StatusPass},
		{"component-original-licence", "fw", StatusNotGiven},
		{"component-identifiers", "zlib", StatusPass},
		{"component-security-txt", "zlib", StatusNotGiven},
		{"sbom-uri", "document", StatusPass},
		{"sbom-timestamp", "document", StatusPass},
	} {
		if st, msg := result(r, c.req, c.subject); st != c.status {
			t.Errorf("%s on %s = %s (%s), want %s", c.req, c.subject, st, msg, c.status)
		}
	}
}

func failures(r *Report) []string {
	var out []string
	for _, x := range r.Results {
		if x.Status == StatusFail {
			out = append(out, x.Requirement+" "+x.Subject+": "+x.Message)
		}
	}
	return out
}

// TestBSIRules: one change to the conformant SBOM each, and what the TR
// makes of it.
func TestBSIRules(t *testing.T) {
	fw := []any{"components", 0}
	zlib := []any{"components", 0, "components", 0}
	setProp := func(path []any, name, value string) func(obj) {
		return func(d obj) {
			for _, p := range at(d, path...)["properties"].([]any) {
				if p.(obj)["name"] == name {
					p.(obj)["value"] = value
				}
			}
		}
	}
	tests := []struct {
		name       string
		change     func(obj)
		req, subj  string
		status     string
		msg        string // part of the message
		conformant bool
	}{
		{"declared licence is not the distribution licence", func(d obj) {
			at(d, fw...)["licenses"] = []any{obj{"expression": "MIT", "acknowledgement": "declared"}}
		}, "component-licence", "fw", StatusFail, "only declared", false},
		{"licence without acknowledgement", func(d obj) {
			at(d, fw...)["licenses"] = []any{obj{"license": obj{"id": "MIT"}}}
		}, "component-licence", "fw", StatusFail, "no acknowledgement", false},
		{"any string is not an SPDX expression", func(d obj) {
			at(d, fw...)["licenses"] = []any{obj{"expression": "whatever the vendor says", "acknowledgement": "concluded"}}
		}, "component-licence", "fw", StatusFail, "not a valid SPDX", false},
		{"unknown licence identifier", func(d obj) {
			at(d, fw...)["licenses"] = []any{obj{"license": obj{"id": "banana", "acknowledgement": "concluded"}}}
		}, "component-licence", "fw", StatusFail, "not a valid SPDX", false},
		{"licence name only", func(d obj) {
			at(d, fw...)["licenses"] = []any{obj{"license": obj{"name": "Apache License 2.0", "acknowledgement": "concluded"}}}
		}, "component-licence", "fw", StatusFail, "is a name", false},
		{"executable banana", setProp(fw, "bsi:component:executable", "banana"), "component-executable", "fw", StatusFail, `"banana"`, false},
		{"archive 42", setProp(fw, "bsi:component:archive", "42"), "component-archive", "fw", StatusFail, `"42"`, false},
		{"structured yes", setProp(zlib, "bsi:component:structured", "yes"), "component-structured", "zlib", StatusFail, "unstructured", false},
		{"executable boolean", setProp(zlib, "bsi:component:executable", "true"), "component-executable", "zlib", StatusFail, "non-executable", false},
		{"filename is a path", setProp(zlib, "bsi:component:filename", "/usr/lib/libz.so.1.3.1"), "component-filename", "zlib", StatusFail, "is a path", false},
		{"supplier is not the creator", func(d obj) {
			c := at(d, zlib...)
			delete(c, "authors")
			c["supplier"] = obj{"name": "Distro", "url": []any{"https://distro.example"}}
		}, "component-creator", "zlib", StatusFail, "supplier", false},
		{"SBOM supplier is not the SBOM creator", func(d obj) {
			m := at(d, "metadata")
			m["supplier"] = m["manufacturer"]
			delete(m, "manufacturer")
		}, "sbom-creator", "document", StatusFail, "supplier", false},
		{"creator without contact", func(d obj) {
			at(d, zlib...)["authors"] = []any{obj{"name": "Mark Adler"}}
		}, "component-creator", "zlib", StatusFail, "without a valid e-mail", false},
		{"hash in hashes only", func(d obj) {
			c := at(d, fw...)
			c["externalReferences"] = []any{obj{"type": "distribution", "url": "https://example.com/fw"}}
			c["hashes"] = []any{obj{"alg": "SHA-512", "content": sha512Hex}}
		}, "component-hash-sha512", "fw", StatusPass, "", true},
		{"SHA-256 is not enough", func(d obj) {
			at(d, zlib...)["hashes"] = []any{obj{"alg": "SHA-256", "content": sha512Hex[:64]}}
		}, "component-hash-sha512", "zlib", StatusFail, "no SHA-512", false},
		{"source-distribution hash is not the deployable hash", func(d obj) {
			c := at(d, zlib...)
			delete(c, "hashes")
			c["externalReferences"] = []any{obj{"type": "source-distribution", "url": "https://zlib.net/zlib-1.3.1.tar.gz", "hashes": []any{obj{"alg": "SHA-512", "content": sha512Hex}}}}
		}, "component-hash-sha512", "zlib", StatusFail, "no SHA-512", false},
		{"primary component lacking creator, licence and hash", func(d obj) {
			p := at(d, "metadata", "component")
			delete(p, "manufacturer")
			delete(p, "licenses")
			d["dependencies"] = []any{obj{"ref": "fw", "dependsOn": []any{"zlib"}}, obj{"ref": "zlib", "dependsOn": []any{}}}
		}, "component-licence", "product", StatusFail, "no distribution licence", false},
		{"primary component not logical without dependencies", func(d obj) {
			d["dependencies"] = []any{obj{"ref": "product", "dependsOn": []any{}}, obj{"ref": "fw", "dependsOn": []any{"zlib"}}, obj{"ref": "zlib", "dependsOn": []any{}}}
		}, "component-hash-sha512", "product", StatusFail, "no SHA-512", false},
		{"component nested under the primary component", func(d obj) {
			at(d, "metadata", "component")["components"] = []any{obj{"bom-ref": "inner", "type": "file", "name": "boot.bin", "version": "1"}}
		}, "component-creator", "inner", StatusFail, "no component creator", false},
		{"non-UTC timestamp is advice", func(d obj) {
			at(d, "metadata")["timestamp"] = "2026-01-01T01:00:00+01:00"
		}, "sbom-timestamp", "document", StatusAdvice, "UTC", true},
		{"timestamp not RFC 3339", func(d obj) {
			at(d, "metadata")["timestamp"] = "yesterday"
		}, "sbom-timestamp", "document", StatusFail, "RFC 3339", false},
		{"no SBOM-URI is reported", func(d obj) { delete(d, "serialNumber") }, "sbom-uri", "document", StatusNotGiven, "", true},
		{"malformed SBOM-URI", func(d obj) { d["serialNumber"] = "not a uri" }, "sbom-uri", "document", StatusFail, "absolute URI", false},
		{"malformed purl", func(d obj) { at(d, zlib...)["purl"] = "zlib-1.3.1" }, "component-identifiers", "zlib", StatusFail, "purl", false},
		{"malformed CPE", func(d obj) { at(d, zlib...)["cpe"] = "cpe:2.3:a:zlib" }, "component-identifiers", "zlib", StatusFail, "CPE", false},
		{"well-formed CPE 2.3", func(d obj) { at(d, zlib...)["cpe"] = "cpe:2.3:a:zlib:zlib:1.3.1:*:*:*:*:*:*:*" }, "component-identifiers", "zlib", StatusPass, "", true},
		{"no identifier is reported", func(d obj) { delete(at(d, zlib...), "purl") }, "component-identifiers", "zlib", StatusNotGiven, "", true},
		{"malformed source URI", func(d obj) {
			at(d, zlib...)["externalReferences"] = []any{obj{"type": "vcs", "url": "github dot com slash madler"}}
		}, "component-source-uri", "zlib", StatusFail, "absolute URI", false},
		{"malformed original licence", func(d obj) {
			at(d, zlib...)["licenses"] = []any{obj{"license": obj{"id": "Zlib", "acknowledgement": "concluded"}}, obj{"expression": "zlib licence", "acknowledgement": "declared"}}
		}, "component-original-licence", "zlib", StatusFail, "not a valid SPDX", false},
		{"effective licence given", setPropAdd(zlib, "bsi:component:effectiveLicense", "Zlib"), "component-effective-licence", "zlib", StatusPass, "", true},
		{"effective licence malformed is advice", setPropAdd(zlib, "bsi:component:effectiveLicense", "zlib-ish"), "component-effective-licence", "zlib", StatusAdvice, "", true},
		{"security.txt given", func(d obj) {
			c := at(d, zlib...)
			c["externalReferences"] = append(c["externalReferences"].([]any), obj{"type": "rfc-9116", "url": "https://zlib.net/.well-known/security.txt"})
		}, "component-security-txt", "zlib", StatusPass, "", true},
		{"vulnerabilities inside", func(d obj) { d["vulnerabilities"] = []any{obj{"id": "CVE-2022-37434"}} }, "no-vulnerabilities", "document", StatusFail, "", false},
		{"CycloneDX 1.5", func(d obj) { d["specVersion"] = "1.5" }, "spec-version", "document", StatusFail, "older", false},
		{"completeness not specified", func(d obj) {
			d["compositions"] = []any{obj{"aggregate": "not_specified", "dependencies": []any{"product", "fw", "zlib"}}}
		}, "component-dependencies", "zlib", StatusFail, "not_specified", false},
		{"no dependency entry", func(d obj) {
			d["dependencies"] = []any{obj{"ref": "product", "dependsOn": []any{"fw"}}, obj{"ref": "fw", "dependsOn": []any{}}}
		}, "component-dependencies", "zlib", StatusFail, "no dependency entry", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := conformantBSI()
			tt.change(d)
			r := judge(t, d)
			st, msg := result(r, tt.req, tt.subj)
			if st != tt.status || !strings.Contains(msg, tt.msg) {
				t.Errorf("%s on %s = %s %q, want %s containing %q", tt.req, tt.subj, st, msg, tt.status, tt.msg)
			}
			if r.Conformant != tt.conformant {
				t.Errorf("conformant = %v, want %v; failures: %v", r.Conformant, tt.conformant, failures(r))
			}
		})
	}
}

func setPropAdd(path []any, name, value string) func(obj) {
	return func(d obj) {
		c := at(d, path...)
		c["properties"] = append(c["properties"].([]any), obj{"name": name, "value": value})
	}
}

// TestEmittedIDsInCatalogue: every requirement either checker can emit is
// an entry of its catalogue, and every BSI catalogue entry is judged.
func TestEmittedIDsInCatalogue(t *testing.T) {
	set := mappings.MustLoad()
	for _, std := range []string{StandardBSI, StandardNTIA} {
		reqs, err := Requirements(std)
		if err != nil {
			t.Fatal(err)
		}
		judged := map[string]bool{}
		for _, q := range reqs {
			judged[q.ID] = true
			if _, ok := set.Lookup(q.ID); !ok {
				t.Errorf("%s emits %s, which its catalogue lacks", std, q.ID)
			}
		}
		for _, e := range set.Entries(std) {
			if !judged[e.ID] {
				t.Errorf("catalogue entry %s is never judged", e.ID)
			}
		}
	}
}

// TestOtherFormats: the XML and SPDX 3 readers feed the same judging.
func TestOtherFormats(t *testing.T) {
	for _, name := range []string{"bsi-cdx16.json", "bsi-cdx16.xml"} {
		doc, _ := decodeFile(t, name)
		r, err := Check(doc, StandardBSI)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Conformant || r.Components != 4 {
			t.Errorf("%s: conformant %v, %d components; failures %v", name, r.Conformant, r.Components, failures(r))
		}
		if st, _ := result(r, "component-hash-sha512", "product"); st != StatusNotApplicable {
			t.Errorf("%s: hash of the logical primary component = %s, want not-applicable", name, st)
		}
		if st, _ := result(r, "component-security-txt", "zlib"); st != StatusPass {
			t.Errorf("%s: security.txt = %s", name, st)
		}
	}
	doc, _ := decodeFile(t, "bsi-spdx301.jsonld")
	r, err := Check(doc, StandardBSI)
	if err != nil {
		t.Fatal(err)
	}
	const base = "https://devices.example/spdx/gateway-3.1.0"
	var got []string
	for _, x := range r.Results {
		if x.Status == StatusFail {
			got = append(got, x.Requirement+" "+strings.TrimPrefix(x.Subject, base)+":")
		}
	}
	// The README has nothing the TR asks for; zlib's file lists neither
	// "container" nor "firmware", so its structured property is unknown.
	want := []string{
		"bsi-tr-03183-2/component-structured /pkg/zlib:",
		"bsi-tr-03183-2/component-creator /file/readme:", "bsi-tr-03183-2/component-version /file/readme:",
		"bsi-tr-03183-2/component-dependencies /file/readme:", "bsi-tr-03183-2/component-licence /file/readme:",
		"bsi-tr-03183-2/component-hash-sha512 /file/readme:", "bsi-tr-03183-2/component-structured /file/readme:",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("SPDX 3 failures:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, c := range []struct{ req, subj, status string }{
		{"spec-version", "document", StatusPass}, {"sbom-creator", "document", StatusPass}, {"sbom-uri", "document", StatusPass},
		{"component-licence", base + "/pkg/gateway", StatusPass}, {"component-hash-sha512", base + "/pkg/gateway", StatusPass},
		{"component-filename", base + "/pkg/gateway", StatusPass}, {"component-creator", base + "/pkg/zlib", StatusPass},
		{"component-uri-deployable", base + "/pkg/gateway", StatusPass}, {"component-original-licence", base + "/pkg/zlib", StatusPass},
	} {
		if st, msg := result(r, c.req, c.subj); st != c.status {
			t.Errorf("%s on %s = %s (%s), want %s", c.req, c.subj, st, msg, c.status)
		}
	}
}
