package main

import (
	"context"
	"time"

	"github.com/craudit/craudit/evidence/pack"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/evidence/sbom/generate"
)

// producers wires the heavy evidence producers (syft, osv-scanner,
// provenance) into the bundler; only this package links them all.
func producers() pack.Producers {
	return pack.Producers{
		SBOM: makeSBOM,
	}
}

func makeSBOM(ctx context.Context, arts []pack.Artefact, p *product.Product, r *product.Release, created time.Time) ([]byte, error) {
	var in []generate.Input
	for _, a := range arts {
		in = append(in, generate.Input{Name: a.Name, Path: a.Path, SHA256: a.Item.SHA256, SHA512: a.Item.SHA512})
	}
	return generate.Generate(ctx, in, generate.Options{
		ToolName: "craudit", ToolVersion: version,
		Creator:     generate.Creator{Name: p.Manufacturer.Name, Email: p.Manufacturer.Email, URL: p.Manufacturer.Website},
		Timestamp:   created,
		ProductName: p.Product.Name, ProductVersion: r.Version,
	})
}
