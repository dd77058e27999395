package producers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/pack"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/evidence/provenance"
	"github.com/craudit/craudit/evidence/sbom"
	"github.com/craudit/craudit/evidence/sbom/generate"
	"github.com/craudit/craudit/evidence/vex"
	"github.com/craudit/craudit/evidence/vuln"
	"github.com/craudit/craudit/evidence/vuln/osvscan"
)

// Tool names the program that bundles; it is written into the SBOM and the
// bundling step's provenance.
type Tool struct {
	Name, Version string
	// Notice, when set, receives one line for every artefact or file in
	// one that the generated SBOM could not catalogue (generate.Options).
	Notice func(string)
}

// Default returns the producers craudit bundles with.
func Default(tool Tool) pack.Producers {
	return pack.Producers{
		SBOM: func(ctx context.Context, arts []pack.Artefact, p *product.Product, r *product.Release, created time.Time) ([]byte, error) {
			return makeSBOM(ctx, tool, nil, arts, p, r, created)
		},
		ImportSBOM:              importSBOM,
		Scan:                    osvscan.Scan,
		NotScanned:              func(reason string) ([]byte, error) { return vuln.NotScanned(reason).Marshal() },
		Provenance:              stepProvenance(tool),
		CheckImportedProvenance: checkImportedProvenance,
		CheckVEX:                checkVEX,
		// syft reads every artefact but an opaque image again.
		ReadsArtefact: func(path string) bool { return !generate.IsOpaque(path) },
	}
}

// checkVEX refuses a VEX document go-vex cannot read (the error names the
// file once: the bundler prefixes its path).
func checkVEX(data []byte, name string) error {
	_, err := vex.Parse(name, data)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), name+": "))
	}
	return nil
}

// WithTrustedRoot loads the Sigstore trusted root at path once, before any
// output is made, and checks imported provenance against it; a file that is
// not a trusted root is an input error naming it, whether or not any
// provenance is imported.
func WithTrustedRoot(p pack.Producers, path string) (pack.Producers, error) {
	if path == "" {
		return p, nil
	}
	tr, err := provenance.LoadTrustedRoot(path)
	if err != nil {
		return p, &pack.InputError{Path: path, Err: err}
	}
	p.CheckImportedProvenance = func(data []byte, _, _ string) error { return provenance.CheckImport(data, tr) }
	return p, nil
}

// Prepared is Default with syft's licence scanner built in the background
// while the bundler copies and hashes the artefacts, when one of them needs
// it (an opaque image does not: generate.IsOpaque).
func Prepared(ctx context.Context, tool Tool) pack.Producers {
	p := Default(tool)
	var prep *generate.Prepared
	p.Start = func(artefacts []string) { prep = generate.PrepareFor(ctx, artefacts) }
	p.SBOM = func(ctx context.Context, arts []pack.Artefact, pr *product.Product, r *product.Release, created time.Time) ([]byte, error) {
		return makeSBOM(ctx, tool, prep, arts, pr, r, created)
	}
	return p
}

// importSBOM converts a manufacturer's CycloneDX or SPDX JSON SBOM.
func importSBOM(data []byte, _ string) ([]byte, error) {
	doc, err := sbom.Decode(data)
	if err != nil {
		return nil, err
	}
	return sbom.ToCycloneDX(doc, data)
}

// stepProvenance signs the in-toto statement of the bundling step itself.
func stepProvenance(tool Tool) func([]pack.Artefact, []bundle.Item, *keys.PrivateKey, time.Time) ([]byte, error) {
	return func(arts []pack.Artefact, materials []bundle.Item, signer *keys.PrivateKey, created time.Time) ([]byte, error) {
		o := provenance.StepOptions{BuilderID: "https://craudit.dev/builder/" + tool.Name + "@" + tool.Version, ToolVersion: tool.Version,
			Started: created, Finished: created, Signer: signer}
		for _, a := range arts {
			o.Subjects = append(o.Subjects, provenance.StepSubject{Name: a.Item.Path, SHA256: a.Item.SHA256, SHA512: a.Item.SHA512})
		}
		for _, m := range materials {
			o.Materials = append(o.Materials, provenance.StepMaterial{URI: m.Path, SHA256: m.SHA256})
		}
		return provenance.BundleStep(o)
	}
}

// checkImportedProvenance refuses a provenance file that does not parse, and
// one whose Sigstore signatures fail against the trusted root when given.
func checkImportedProvenance(data []byte, _, trustedRoot string) error {
	if trustedRoot == "" {
		return provenance.CheckImport(data, nil)
	}
	tr, err := provenance.LoadTrustedRoot(trustedRoot)
	if err != nil {
		return fmt.Errorf("--trusted-root %s: %w", trustedRoot, err)
	}
	return provenance.CheckImport(data, tr)
}

func makeSBOM(ctx context.Context, tool Tool, prep *generate.Prepared, arts []pack.Artefact, p *product.Product, r *product.Release, created time.Time) ([]byte, error) {
	var in []generate.Input
	for _, a := range arts {
		in = append(in, generate.Input{Name: a.Name, Path: a.Path, SHA256: a.Item.SHA256, SHA512: a.Item.SHA512})
	}
	return generate.Generate(ctx, in, generate.Options{
		ToolName: tool.Name, ToolVersion: tool.Version,
		Creator:     generate.Creator{Name: p.Manufacturer.Name, Email: p.Manufacturer.Email, URL: p.Manufacturer.Website},
		Timestamp:   created,
		ProductName: p.Product.Name, ProductVersion: r.Version, ProductPURL: releasePURL(p, r), ProductID: p.Product.ID,
		VendorLicence:   p.Product.Licence,
		DistributionURL: distributionURL(p),
		Prepared:        prep,
		Notice:          tool.Notice,
	})
}

// distributionURL is the folder the release's artefacts are downloaded
// from, when product.yaml says: a manifest-profile repository serves them
// under artefacts/ (docs/design.md, manifest repository layout). Other
// profiles name their files in signed metadata, so no URL is claimed.
func distributionURL(p *product.Product) string {
	if p.Updates.Profile != "manifest" || p.Updates.RepositoryURL == "" {
		return ""
	}
	return strings.TrimSuffix(p.Updates.RepositoryURL, "/") + "/artefacts/"
}

// releasePURL is product.yaml's purl at the release's version, or empty.
func releasePURL(p *product.Product, r *product.Release) string {
	if p.Product.PURL == "" {
		return ""
	}
	return p.Product.PURL + "@" + r.Version
}
