package pack

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/fleet"
	"github.com/craudit/craudit/evidence/kev"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/manifest"
	"github.com/craudit/craudit/evidence/product"
)

// InputError is a problem with an input file: the command exits 2 and
// prints it as one line.
type InputError struct {
	Path string
	Err  error
}

// Error names the file once: "p: reason", not "p: open p: reason".
func (e *InputError) Error() string {
	if pe, ok := e.Err.(*fs.PathError); ok && pe.Path == e.Path {
		return e.Path + ": " + pe.Err.Error()
	}
	msg := e.Err.Error()
	if strings.HasPrefix(msg, e.Path+": ") {
		return msg // named already (product's loaders do)
	}
	return e.Path + ": " + msg
}
func (e *InputError) Unwrap() error { return e.Err }

func inputErr(p string, err error) error {
	var ie *InputError
	if errors.As(err, &ie) {
		return err
	}
	return &InputError{Path: p, Err: err}
}

// Artefact is an artefact as it landed in the bundle.
type Artefact struct {
	Name string // base name, also the manifest name
	Path string // on disk, inside the staging directory
	Item bundle.Item
}

// Producers make the evidence that needs heavy libraries.
type Producers struct {
	// Start, when set, is given the artefacts' paths before they are copied
	// when the SBOM will be generated, so the SBOM producer can begin in the
	// background what it will need.
	Start func(artefacts []string)
	// SBOM makes CycloneDX JSON describing the artefacts.
	SBOM func(ctx context.Context, arts []Artefact, p *product.Product, r *product.Release, created time.Time) ([]byte, error)
	// ImportSBOM converts a manufacturer's SBOM (CycloneDX or SPDX JSON) to CycloneDX JSON.
	ImportSBOM func(data []byte, name string) ([]byte, error)
	// Scan scans CycloneDX JSON against the offline database in dbDir and returns vulns.json.
	Scan func(ctx context.Context, sbom []byte, dbDir string) ([]byte, error)
	// NotScanned returns the vulns.json that records why no scan was made.
	NotScanned func(reason string) ([]byte, error)
	// Provenance makes the signed statement for the bundling step
	// (provenance/craudit.intoto.jsonl).
	Provenance func(arts []Artefact, materials []bundle.Item, signer *keys.PrivateKey, created time.Time) ([]byte, error)
	// CheckImportedProvenance validates an imported provenance file's syntax.
	CheckImportedProvenance func(data []byte, name, trustedRoot string) error
	// CheckVEX refuses a VEX document that does not parse.
	CheckVEX func(data []byte, name string) error
	// ReadsArtefact reports whether SBOM reads the artefact at path again
	// after its copy (syft's cataloguers); nil: it may.
	ReadsArtefact func(path string) bool
}

// Options are the inputs of `craudit bundle`.
type Options struct {
	Product, Release, Answers string
	Artefacts                 []string
	SigningKey                *keys.PrivateKey
	KeyCert                   string // CERT; CERT.sig beside it
	SBOM                      string
	VEX                       []string
	// KEV is a known-exploited catalogue in CISA's KEV JSON format.
	KEV string
	// FleetStatus is a fleet status snapshot (`craudit fleet status
	// --format json`), pinned as fleet-status.json.
	FleetStatus   string
	Provenance    []string
	TrustedRoot   string
	OSVDB         string
	Transcript    string
	AttackResults string
	// UpdaterConfigs are updater configuration files, each "FILE" or
	// "KIND:FILE" (rauc, swupdate, swupdate-cmdline, mender, ostree).
	UpdaterConfigs []string
	Out            string
	Force          bool
	// Created stamps the bundle and the manifest (SOURCE_DATE_EPOCH or now).
	Created time.Time
	Tool    bundle.Tool
	Make    Producers
}

// Bundle builds the bundle. Nothing is left at Out on failure.
func Bundle(ctx context.Context, o Options) (*bundle.Index, error) {
	if o.SigningKey == nil {
		return nil, errors.New("a signing key is required")
	}
	prod, prodBytes, err := product.LoadProduct(o.Product)
	if err != nil {
		return nil, inputErr(o.Product, err)
	}
	rel, relBytes, err := product.LoadRelease(o.Release)
	if err != nil {
		return nil, inputErr(o.Release, err)
	}
	var ans *product.Answers
	var ansBytes []byte
	if o.Answers != "" {
		if ans, ansBytes, err = product.LoadAnswers(o.Answers); err != nil {
			return nil, inputErr(o.Answers, err)
		}
	}
	var cert, certSig []byte
	if o.KeyCert != "" {
		if cert, certSig, err = loadCert(o.KeyCert, o.SigningKey.Public(), prod.Product.ID); err != nil {
			return nil, err
		}
	}
	if len(o.Artefacts) == 0 {
		return nil, errors.New("at least one --artefact is required")
	}
	if err := checkArtefacts(o.Artefacts); err != nil {
		return nil, err
	}
	if o.SBOM == "" && o.Make.Start != nil {
		o.Make.Start(o.Artefacts)
	}
	created := o.Created.UTC()
	if created.IsZero() {
		created = time.Now().UTC()
	}
	created = created.Truncate(time.Second)

	w, err := bundle.Create(o.Out, o.Force)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			w.Abort()
		}
	}()

	// Artefacts first: one read each, copying and hashing together (and
	// verifying a SWUpdate or Mender artefact in the same read).
	trust, trustFiles, err := artefactTrust(o.Product, prod, created)
	if err != nil {
		return nil, err
	}
	var arts []Artefact
	inspected := map[string]inspection{}
	for _, src := range o.Artefacts {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("interrupted: %w", err)
		}
		name := filepath.Base(src)
		co, tee := copyOptions(o, src, trust)
		it, err := w.AddFileWith(ctx, bundle.ArtefactDir+name, bundle.RoleArtefact, mediaType(name), src, co)
		if tee != nil {
			rep, verr := tee.finish(err)
			if err == nil && copyFormat(w, it) == tee.format {
				inspected[name] = inspection{rep, verr}
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("interrupted: %w", ctx.Err())
			}
			return nil, inputErr(src, err)
		}
		arts = append(arts, Artefact{Name: name, Path: filepath.Join(w.StagePath(), filepath.FromSlash(it.Path)), Item: it})
	}
	if err := addManifest(w, prod, rel, arts, o.SigningKey, created); err != nil {
		return nil, err
	}
	if _, err := w.AddBytes(bundle.SignerKey, bundle.RoleSignerKey, "application/x-pem-file", o.SigningKey.Public().MarshalPEM()); err != nil {
		return nil, err
	}
	if cert != nil {
		if _, err := w.AddBytes(bundle.VendorCert, bundle.RoleCertificate, "application/json", cert); err != nil {
			return nil, err
		}
		if _, err := w.AddBytes(bundle.VendorCertSig, bundle.RoleSignature, "application/octet-stream", certSig); err != nil {
			return nil, err
		}
	}
	for _, f := range []struct {
		p, role string
		b       []byte
	}{{bundle.ProductFile, bundle.RoleProduct, prodBytes}, {bundle.ReleaseFile, bundle.RoleRelease, relBytes}, {bundle.AnswersFile, bundle.RoleAnswers, ansBytes}} {
		if f.b == nil {
			continue
		}
		if _, err := w.AddBytes(f.p, f.role, "application/yaml", f.b); err != nil {
			return nil, err
		}
	}
	if err := addArchitecture(w, o.Product, prod.ArchitectureDescription); err != nil {
		return nil, err
	}
	if ans != nil {
		base := filepath.Dir(o.Answers)
		for _, e := range ans.EvidenceFiles() {
			src := filepath.Join(base, filepath.FromSlash(e))
			if _, err := w.AddFile(bundle.EvidenceDir+e, bundle.RoleDeclEvidence, mediaType(e), src); err != nil {
				return nil, inputErr(o.Answers, fmt.Errorf("declaration evidence %s: %w", e, err))
			}
		}
	}
	sbom, err := addSBOM(ctx, w, o, arts, prod, rel, created)
	if err != nil {
		return nil, err
	}
	if err := addScan(ctx, w, o, sbom); err != nil {
		return nil, err
	}
	if err := addCopies(w, o.VEX, bundle.VEXDir, bundle.RoleVEX, o.Make.CheckVEX); err != nil {
		return nil, err
	}
	if o.KEV != "" {
		if err := addKEV(w, o.KEV); err != nil {
			return nil, err
		}
	}
	if o.FleetStatus != "" {
		if err := addFleetStatus(w, o.FleetStatus); err != nil {
			return nil, err
		}
	}
	var checkProv func([]byte, string) error
	if o.Make.CheckImportedProvenance != nil {
		checkProv = func(b []byte, name string) error { return o.Make.CheckImportedProvenance(b, name, o.TrustedRoot) }
	}
	if err := addCopies(w, o.Provenance, bundle.ProvenanceDir, bundle.RoleProvenance, checkProv); err != nil {
		return nil, err
	}
	// The trusted root (validated with the imports above) is kept so the
	// checks can verify Sigstore bundles again, offline; the bundle's
	// signature vouches for it.
	if o.TrustedRoot != "" && len(o.Provenance) > 0 {
		if _, err := w.AddFile(bundle.SigstoreRoot, bundle.RoleSigstoreRoot, "application/json", o.TrustedRoot); err != nil {
			return nil, inputErr(o.TrustedRoot, err)
		}
	}
	for _, f := range []struct{ src, dst, role string }{
		{o.Transcript, bundle.TranscriptFile, bundle.RoleTranscript},
		{o.AttackResults, bundle.AttackFile, bundle.RoleAttackResults},
	} {
		if f.src == "" {
			continue
		}
		if _, err := w.AddFile(f.dst, f.role, "application/json", f.src); err != nil {
			return nil, inputErr(f.src, err)
		}
	}
	if err := addUpdaterEvidence(w, trust, trustFiles, arts, inspected, o.UpdaterConfigs); err != nil {
		return nil, err
	}
	if o.Make.Provenance != nil {
		if err := addStepProvenance(w, o, arts, created); err != nil {
			return nil, err
		}
	}
	x := bundle.Index{
		Product: bundle.Subject{ID: prod.Product.ID, Name: prod.Product.Name, Model: prod.Product.Model, Manufacturer: prod.Manufacturer.Name},
		Release: bundle.Version{Version: rel.Version, UpdateType: rel.UpdateType},
		Created: created, Tool: o.Tool,
	}
	// An interrupt during the work above discards it: the previous bundle
	// (with --force) stays as it was.
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("interrupted: %w", err)
	}
	idx, err := w.Finish(x, o.SigningKey)
	if err != nil {
		return nil, err
	}
	ok = true
	return idx, nil
}

// loadCert reads the vendor certificate and refuses one that certifies
// another key or does not cover the product: a manifest is never signed
// for a product outside the certificate's scope.
func loadCert(p string, signer *keys.PublicKey, productID string) (cert, sig []byte, err error) {
	if cert, err = product.ReadFile(p); err != nil {
		return nil, nil, inputErr(p, err)
	}
	if sig, err = product.ReadFile(p + ".sig"); err != nil {
		return nil, nil, inputErr(p+".sig", err)
	}
	c, sub, err := keys.ParseCertificate(cert)
	if err != nil {
		return nil, nil, inputErr(p, err)
	}
	if !sub.Equal(signer) {
		return nil, nil, inputErr(p, errors.New("certifies a different key than --signing-key"))
	}
	if err := c.CheckScope(productID); err != nil {
		return nil, nil, inputErr(p, err)
	}
	return cert, sig, nil
}

func checkArtefacts(paths []string) error {
	seen := map[string]string{}
	for _, p := range paths {
		st, err := os.Lstat(p)
		if err != nil {
			return inputErr(p, err)
		}
		if !st.Mode().IsRegular() {
			return inputErr(p, errors.New("not a regular file"))
		}
		name := filepath.Base(p)
		if other, dup := seen[name]; dup {
			return inputErr(p, fmt.Errorf("has the same name as %s; artefact names must be unique", other))
		}
		seen[name] = p
	}
	return nil
}

func addManifest(w *bundle.Writer, prod *product.Product, rel *product.Release, arts []Artefact, signer *keys.PrivateKey, created time.Time) error {
	validity, _ := rel.ValidityDuration() // validated on load
	m := manifest.Manifest{
		Product: prod.Product.ID, Model: prod.Product.Model, HardwareIDs: rel.HardwareIDs,
		Version: rel.Version, RollbackCounter: rel.RollbackCounter,
		Timestamp: created, Expires: created.Add(validity),
		UpdateType: rel.UpdateType, Severity: rel.Severity, AdvisoryURL: rel.AdvisoryURL,
	}
	for _, a := range arts {
		m.Artefacts = append(m.Artefacts, manifest.Artefact{Name: a.Name, Size: a.Item.Size, SHA256: a.Item.SHA256, SHA512: a.Item.SHA512})
	}
	data, err := m.Marshal()
	if err != nil {
		return err
	}
	sig, err := signer.Sign(data)
	if err != nil {
		return err
	}
	if _, err := w.AddBytes(bundle.ManifestFile, bundle.RoleManifest, "application/json", data); err != nil {
		return err
	}
	_, err = w.AddBytes(bundle.ManifestSig, bundle.RoleSignature, "application/octet-stream", sig)
	return err
}

func addSBOM(ctx context.Context, w *bundle.Writer, o Options, arts []Artefact, prod *product.Product, rel *product.Release, created time.Time) ([]byte, error) {
	var sbom []byte
	if o.SBOM != "" {
		if o.Make.ImportSBOM == nil {
			return nil, errors.New("SBOM import is not available in this build")
		}
		data, err := os.ReadFile(o.SBOM)
		if err != nil {
			return nil, inputErr(o.SBOM, err)
		}
		if sbom, err = o.Make.ImportSBOM(data, filepath.Base(o.SBOM)); err != nil {
			return nil, inputErr(o.SBOM, err)
		}
		if _, err := w.AddBytes(bundle.ImportedDir+filepath.Base(o.SBOM), bundle.RoleSBOMImported, "application/json", data); err != nil {
			return nil, err
		}
	} else {
		if o.Make.SBOM == nil {
			return nil, errors.New("SBOM generation is not available in this build")
		}
		var err error
		if sbom, err = o.Make.SBOM(ctx, arts, prod, rel, created); err != nil {
			return nil, fmt.Errorf("generating the SBOM: %w", err)
		}
	}
	_, err := w.AddBytes(bundle.SBOMFile, bundle.RoleSBOM, "application/vnd.cyclonedx+json", sbom)
	return sbom, err
}

func addScan(ctx context.Context, w *bundle.Writer, o Options, sbom []byte) error {
	var (
		data []byte
		err  error
	)
	switch {
	case o.OSVDB != "" && o.Make.Scan != nil:
		if data, err = o.Make.Scan(ctx, sbom, o.OSVDB); err != nil {
			return inputErr(o.OSVDB, err)
		}
	case o.OSVDB != "":
		return errors.New("vulnerability scanning is not available in this build")
	case o.Make.NotScanned != nil:
		if data, err = o.Make.NotScanned("no --osv-db was given: the release was not scanned for known vulnerabilities"); err != nil {
			return err
		}
	default:
		return nil
	}
	_, err = w.AddBytes(bundle.VulnsFile, bundle.RoleVulns, "application/json", data)
	return err
}

// addCopies copies files as given under dir/NAME.
func addCopies(w *bundle.Writer, srcs []string, dir, role string, validate func([]byte, string) error) error {
	for _, src := range srcs {
		name := filepath.Base(src)
		if validate != nil {
			data, err := os.ReadFile(src)
			if err != nil {
				return inputErr(src, err)
			}
			if err := validate(data, name); err != nil {
				return inputErr(src, err)
			}
		}
		if _, err := w.AddFile(dir+name, role, mediaType(name), src); err != nil {
			return inputErr(src, err)
		}
	}
	return nil
}

func addStepProvenance(w *bundle.Writer, o Options, arts []Artefact, created time.Time) error {
	var materials []bundle.Item
	for _, p := range []string{bundle.ProductFile, bundle.ReleaseFile, bundle.AnswersFile, bundle.SBOMFile, bundle.VulnsFile} {
		if it, ok := w.Item(p); ok {
			materials = append(materials, it)
		}
	}
	sort.Slice(materials, func(i, j int) bool { return materials[i].Path < materials[j].Path })
	data, err := o.Make.Provenance(arts, materials, o.SigningKey, created)
	if err != nil {
		return fmt.Errorf("provenance of the bundling step: %w", err)
	}
	_, err = w.AddBytes(bundle.ProvenanceDir+"craudit.intoto.jsonl", bundle.RoleProvenance, "application/vnd.in-toto+jsonl", data)
	return err
}

func mediaType(name string) string {
	switch path.Ext(name) {
	case ".json":
		if strings.HasSuffix(name, ".cdx.json") {
			return "application/vnd.cyclonedx+json"
		}
		return "application/json"
	case ".jsonl":
		return "application/jsonl"
	case ".yaml", ".yml":
		return "application/yaml"
	case ".tar":
		return "application/x-tar"
	case ".gz", ".tgz":
		return "application/gzip"
	case ".zip":
		return "application/zip"
	case ".txt", ".log", ".md":
		return "text/plain"
	case ".pem", ".pub":
		return "application/x-pem-file"
	case ".pdf":
		return "application/pdf"
	}
	return "application/octet-stream"
}

// addArchitecture pins the architecture description product.yaml names
// (Annex VII point 2(a)) as the bundle's "architecture" item. The name must
// stay inside product.yaml's folder; a missing file is bad input.
func addArchitecture(w *bundle.Writer, productPath, name string) error {
	if name == "" {
		return nil
	}
	clean := path.Clean(filepath.ToSlash(name))
	if path.IsAbs(clean) || filepath.IsAbs(name) || clean == ".." || strings.HasPrefix(clean, "../") {
		return inputErr(productPath, fmt.Errorf("architecture_description %q: must be a file inside product.yaml's folder", name))
	}
	src := filepath.Join(filepath.Dir(productPath), filepath.FromSlash(clean))
	if _, err := w.AddFile(bundle.ArchitectureFile, bundle.RoleArchitecture, mediaType(clean), src); err != nil {
		return inputErr(productPath, fmt.Errorf("architecture_description %s: %w", name, err))
	}
	return nil
}

// addKEV pins a known-exploited catalogue into the bundle after checking it
// parses: the bytes checked are the bytes kept.
func addKEV(w *bundle.Writer, src string) error {
	data, err := atomicfs.ReadFile(src, kev.MaxSize)
	if err != nil {
		return inputErr(src, err)
	}
	if _, err := kev.Parse(data); err != nil {
		return inputErr(src, err)
	}
	if _, err := w.AddBytes(bundle.KEVFile, bundle.RoleKEV, "application/json", data); err != nil {
		return inputErr(src, err)
	}
	return nil
}

// addFleetStatus pins a fleet status snapshot after checking it decodes:
// the bytes checked are the bytes kept.
func addFleetStatus(w *bundle.Writer, src string) error {
	data, err := atomicfs.ReadFile(src, fleet.MaxStatusSize)
	if err != nil {
		return inputErr(src, err)
	}
	if _, err := fleet.ParseStatus(data); err != nil {
		return inputErr(src, err)
	}
	if _, err := w.AddBytes(bundle.FleetStatusFile, bundle.RoleFleetStatus, "application/json", data); err != nil {
		return inputErr(src, err)
	}
	return nil
}
