package sbom

import (
	"bytes"
	"encoding/json"

	"github.com/craudit/craudit/evidence/sbom/spdx3"
)

// isSPDX3 tells an SPDX 3 JSON-LD document by its context.
func isSPDX3(context json.RawMessage) bool {
	return bytes.Contains(context, []byte("spdx.org/rdf/3"))
}

// decodeSPDX3 maps what evidence/sbom/spdx3 reads into the model.
func decodeSPDX3(b []byte) (*Document, error) {
	g, err := spdx3.Parse(b)
	if err != nil {
		return nil, err
	}
	doc := &Document{Format: "SPDX", SpecVersion: g.SpecVersion, Timestamp: g.Created, Serial: g.ID, URI: g.ID,
		Tools: g.Tools, Deps: g.Deps, Completeness: g.Completeness, HasVulnerabilities: g.HasVulnerabilities}
	for _, a := range g.Creators {
		doc.Creators = append(doc.Creators, Party{Name: a.Name, Email: a.Email, URL: a.URL, Role: RoleAuthor})
	}
	for _, e := range g.Elements {
		c := Component{Ref: e.ID, Type: e.Purpose, Name: e.Name, Version: e.Version, PURL: e.PURL, CPE: e.CPE, SWID: e.SWID,
			Filename: e.Filename, Hashes: normHashes(e.Hashes), Properties: e.Props,
			Concluded: e.Concluded, Declared: e.Declared, Licences: append(append([]string{}, e.Concluded...), e.Declared...)}
		if e.File {
			c.Type = "file"
		}
		for _, a := range e.Originators {
			c.Creators = append(c.Creators, Party{Name: a.Name, Email: a.Email, URL: a.URL, Role: RoleOriginator})
		}
		for _, a := range e.Suppliers {
			c.Creators = append(c.Creators, Party{Name: a.Name, Email: a.Email, URL: a.URL, Role: RoleSupplier})
			if c.Supplier == "" {
				c.Supplier = a.Name
			}
		}
		for _, r := range e.Refs {
			c.ExtRefs = append(c.ExtRefs, ExtRef{Type: r.Type, URL: r.URL, Hashes: normHashes(r.Hashes)})
		}
		doc.Components = append(doc.Components, c)
		if e.ID == g.Root && doc.Subject == nil {
			s := c
			doc.Subject = &s
		}
	}
	return doc, nil
}

func normHashes(in map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	for alg, v := range in {
		out[normAlg(alg)] = v
	}
	return out
}
