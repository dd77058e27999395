package main

import (
	"context"
	"fmt"
	"time"

	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/pack"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/evidence/provenance"
	"github.com/craudit/craudit/evidence/sbom"
	"github.com/craudit/craudit/evidence/sbom/generate"
	"github.com/craudit/craudit/evidence/vuln"
	"github.com/craudit/craudit/evidence/vuln/osvscan"
)

// producers wires the heavy evidence producers (syft, osv-scanner,
// provenance) into the bundler; only this package links them all.
func producers() pack.Producers {
	return pack.Producers{
		SBOM:                    makeSBOM,
		ImportSBOM:              importSBOM,
		Scan:                    osvscan.Scan,
		NotScanned:              func(reason string) ([]byte, error) { return vuln.NotScanned(reason).Marshal() },
		Provenance:              stepProvenance,
		CheckImportedProvenance: checkImportedProvenance,
	}
}

// importSBOM converts a manufacturer's CycloneDX or SPDX JSON SBOM.
func importSBOM(data []byte, name string) ([]byte, error) {
	doc, err := sbom.Decode(data)
	if err != nil {
		return nil, err
	}
	return sbom.ToCycloneDX(doc, data)
}

// stepProvenance signs the in-toto statement of the bundling step itself.
func stepProvenance(arts []pack.Artefact, materials []bundle.Item, signer *keys.PrivateKey, created time.Time) ([]byte, error) {
	o := provenance.StepOptions{BuilderID: "https://craudit.dev/builder/craudit@" + version, ToolVersion: version,
		Started: created, Finished: created, Signer: signer}
	for _, a := range arts {
		o.Subjects = append(o.Subjects, provenance.StepSubject{Name: a.Item.Path, SHA256: a.Item.SHA256, SHA512: a.Item.SHA512})
	}
	for _, m := range materials {
		o.Materials = append(o.Materials, provenance.StepMaterial{URI: m.Path, SHA256: m.SHA256})
	}
	return provenance.BundleStep(o)
}

// checkImportedProvenance refuses a provenance file that does not parse, and
// one whose Sigstore signatures fail against --trusted-root when given.
func checkImportedProvenance(data []byte, name, trustedRoot string) error {
	if trustedRoot == "" {
		return provenance.CheckImport(data, nil)
	}
	tr, err := provenance.LoadTrustedRoot(trustedRoot)
	if err != nil {
		return fmt.Errorf("--trusted-root %s: %w", trustedRoot, err)
	}
	return provenance.CheckImport(data, tr)
}

func makeSBOM(ctx context.Context, arts []pack.Artefact, p *product.Product, r *product.Release, created time.Time) ([]byte, error) {
	return makeSBOMWith(ctx, nil, arts, p, r, created)
}

// prepareSBOM is makeSBOM with syft's licence scanner built from now on in
// the background, while the artefacts are copied and hashed.
func prepareSBOM(ctx context.Context) func(context.Context, []pack.Artefact, *product.Product, *product.Release, time.Time) ([]byte, error) {
	prep := generate.Prepare(ctx)
	return func(ctx context.Context, arts []pack.Artefact, p *product.Product, r *product.Release, created time.Time) ([]byte, error) {
		return makeSBOMWith(ctx, prep, arts, p, r, created)
	}
}

func makeSBOMWith(ctx context.Context, prep *generate.Prepared, arts []pack.Artefact, p *product.Product, r *product.Release, created time.Time) ([]byte, error) {
	var in []generate.Input
	for _, a := range arts {
		in = append(in, generate.Input{Name: a.Name, Path: a.Path, SHA256: a.Item.SHA256, SHA512: a.Item.SHA512})
	}
	return generate.Generate(ctx, in, generate.Options{
		ToolName: "craudit", ToolVersion: version,
		Creator:     generate.Creator{Name: p.Manufacturer.Name, Email: p.Manufacturer.Email, URL: p.Manufacturer.Website},
		Timestamp:   created,
		ProductName: p.Product.Name, ProductVersion: r.Version, ProductPURL: releasePURL(p, r), ProductID: p.Product.ID,
		VendorLicence: p.Product.Licence,
		Prepared:      prep,
	})
}

// releasePURL is product.yaml's purl at the release's version, or empty.
func releasePURL(p *product.Product, r *product.Release) string {
	if p.Product.PURL == "" {
		return ""
	}
	return p.Product.PURL + "@" + r.Version
}
