package generate

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	stfile "github.com/anchore/stereoscope/pkg/file"
	"github.com/anchore/syft/syft"
	"github.com/anchore/syft/syft/artifact"
	"github.com/anchore/syft/syft/cataloging"
	"github.com/anchore/syft/syft/cataloging/pkgcataloging"
	"github.com/anchore/syft/syft/file"
	"github.com/anchore/syft/syft/pkg"
	"github.com/anchore/syft/syft/sbom"
	"github.com/anchore/syft/syft/source"
	"github.com/craudit/craudit/evidence/bundle/sha512sys"
	"github.com/craudit/craudit/evidence/sbom/filetags"
	"github.com/craudit/craudit/evidence/sbom/generate/archhead"
	"github.com/craudit/craudit/evidence/sbom/generate/syftsource"
)

// Input is one release artefact.
type Input struct {
	// Name is the artefact's name in the bundle (artefacts/NAME); its base
	// is the component's filename.
	Name string
	// Path is the file (or folder) on disk that syft reads.
	Path string
	// SHA256 and SHA512 are hex digests the bundle writer already computed,
	// so large artefacts are not read twice. Empty for a folder.
	SHA256, SHA512 string
}

// Creator is who the SBOM says made it and the vendor's own components.
type Creator struct {
	Name  string
	Email string
	URL   string
}

// Options configure Generate.
type Options struct {
	ToolName, ToolVersion string
	Creator               Creator
	// Timestamp is the SBOM's creation time (the caller applies SOURCE_DATE_EPOCH).
	Timestamp time.Time
	// ProductName and ProductVersion describe the release the SBOM is for.
	ProductName, ProductVersion string
	// ProductPURL identifies the release as VEX statements name it; when
	// empty and ProductID is set it is ProductPURL(ProductID, ProductVersion).
	ProductPURL string
	// ProductID is product.yaml's product id.
	ProductID string
	// VendorLicence is the SPDX expression under which the manufacturer
	// distributes its own files (e.g. "LicenseRef-Proprietary"); empty when
	// unknown, which the BSI check then reports.
	VendorLicence string
	// DistributionURL is where devices download the release's artefacts
	// from (a folder URL ending in "/"); an artefact's URL is it plus the
	// artefact's name. When set, each artefact also carries its SHA-512 in
	// an externalReferences entry of type "distribution", where the BSI
	// TR-03183-2 CycloneDX mapping (section 8.2) puts the deployable form's
	// hash; its hashes keep it too.
	DistributionURL string
	// Notice, when set, gets one line per artefact or file in one whose contents
	// are not catalogued (raw image; nested npm, PyPI, Go archive): its craudit:note.
	Notice func(string)
	// Prepared, when set, is the licence scanner Prepare started building;
	// without it Generate builds one itself (once for all artefacts).
	Prepared *Prepared
}

// Generate catalogues every input with syft and returns a deterministic
// CycloneDX 1.6 JSON SBOM carrying the BSI TR-03183-2 fields it can know.
func Generate(ctx context.Context, in []Input, o Options) ([]byte, error) {
	if len(in) == 0 {
		return nil, errors.New("sbom: no artefacts to describe")
	}
	if o.Timestamp.IsZero() {
		return nil, errors.New("sbom: no timestamp given")
	}
	if o.ProductPURL == "" && o.ProductID != "" {
		o.ProductPURL = ProductPURL(o.ProductID, o.ProductVersion)
	}
	// Archives are judged from their headers before anything waits for the
	// licence scanner: a hostile one is refused at once. Each file's first
	// bytes are read once, here.
	heads := make([][]byte, len(in))
	members := make([]map[string]member, len(in))
	needSyft := false
	for i, a := range in {
		st, err := os.Stat(a.Path)
		if err != nil {
			return nil, fmt.Errorf("sbom: %s: %w", a.Name, err)
		}
		if st.IsDir() {
			needSyft = true
			continue
		}
		if syftExtracts(a.Path) {
			if members[i], err = archhead.Check(ctx, a.Path); err != nil {
				return nil, fmt.Errorf("sbom: %s: %w", a.Name, err)
			}
		}
		if heads[i], err = readSniff(a.Path); err != nil {
			return nil, fmt.Errorf("sbom: %s: %w", a.Name, err)
		}
		needSyft = needSyft || !opaque(a.Name, heads[i])
	}
	// syft builds its licence scanner in every run (about a second of CPU):
	// only when an artefact goes through syft.
	sctx := ctx
	if needSyft {
		p := o.Prepared
		if p == nil {
			p = Prepare(ctx)
		}
		var err error
		if sctx, err = p.wait(ctx); err != nil {
			return nil, fmt.Errorf("sbom: %w", err)
		}
	}
	b := newBuilder(o)
	for i, a := range in {
		if err := b.addArtefact(sctx, a, heads[i], members[i]); err != nil {
			return nil, fmt.Errorf("sbom: %s: %w", a.Name, err)
		}
	}
	return b.encode()
}

// syftForOpaque sends opaque files through syft too (tests compare).
var syftForOpaque = false

// sniffLen is how much of a file is read to tell executables, archives and
// structured files apart.
const sniffLen = 512

type builder struct {
	o     Options
	bom   *cdx.BOM
	comps []cdx.Component
	deps  map[string][]string
	// complete and unknown collect refs whose dependency lists are known to
	// be complete (package-manager data) or cannot be known (opaque files).
	complete, unknown []string
	seed              []string
	osNames           map[string]string // artefact ref -> "alpine 3.19.1"
	// artURL is the distribution URL of the artefact being described
	// (Options.DistributionURL plus its name), empty when unknown.
	artURL string
}

func newBuilder(o Options) *builder {
	return &builder{o: o, deps: map[string][]string{}, osNames: map[string]string{}}
}

// addArtefact describes one input; head is the first bytes of a file
// (readSniff), nil for a folder; members what its archive headers say
// (archhead.Check), nil when it is no archive.
func (b *builder) addArtefact(ctx context.Context, a Input, head []byte, members map[string]member) error {
	st, err := os.Stat(a.Path)
	if err != nil {
		return err
	}
	b.seed = append(b.seed, a.Name, a.SHA256)
	b.artURL = ""
	ref := "artefact:" + a.Name
	top := cdx.Component{BOMRef: ref, Type: cdx.ComponentTypeFile, Name: path.Base(a.Name)}
	if b.o.ProductVersion != "" {
		// The artefact is part of the release: its version is the release's.
		top.Version = b.o.ProductVersion
	}
	b.vendorFields(&top)
	props := []cdx.Property{{Name: PropFilename, Value: path.Base(a.Name)}}
	if !st.IsDir() {
		kind := classify(a.Name, st.Mode(), head[:min(len(head), sniffLen)])
		props = append(props, kind.props()...)
		top.Hashes = hashes(a.SHA256, a.SHA512)
		if b.o.DistributionURL != "" && a.SHA512 != "" {
			b.artURL = b.o.DistributionURL + url.PathEscape(path.Base(a.Name))
			top.ExternalReferences = &[]cdx.ExternalReference{distribution(b.artURL, a.SHA512)}
		}
		if kind.archive {
			top.Type = cdx.ComponentTypeFirmware
		} else if kind.executable {
			top.Type = cdx.ComponentTypeApplication
		}
	}
	top.Properties = &props

	var s *sbom.SBOM
	var files []treeFile
	var links []treeLink
	isOpaque := !st.IsDir() && opaque(a.Name, head)
	if isOpaque {
		props = append(props, cdx.Property{Name: PropNote, Value: opaqueNote})
		b.notice(a.Name, "", opaqueNote)
	}
	if isOpaque && !syftForOpaque {
		// Nothing for syft to find (see opaque): the artefact is its own
		// only component, described by its digests and first bytes.
		s = &sbom.SBOM{Artifacts: sbom.Artifacts{Packages: pkg.NewCollection()}}
	} else if s, files, links, err = catalogue(ctx, a.Path, st.IsDir(), members); err != nil {
		return err
	}
	if !st.IsDir() {
		for i := range files {
			files[i].modTime = members[files[i].path].ModTime // zero when unknown
		}
	}
	comps, deps, err := b.describe(ref, s, files, links, &props)
	if err != nil {
		return err
	}
	if n := b.osNames[ref]; n != "" {
		props = append(props, cdx.Property{Name: PropOS, Value: n})
	}
	top.Licenses = nil
	if expr, ok := aggregateLicence(comps, b.o.VendorLicence); ok {
		top.Licenses = &cdx.Licenses{{Expression: expr, Acknowledgement: &ackConcluded}}
	} else {
		props = append(props, cdx.Property{Name: PropNote, Value: "licence: not every part of the artefact has a known licence, so its distribution licence cannot be stated"})
	}
	top.Properties = &props
	b.comps = append(b.comps, top)
	b.comps = append(b.comps, comps...)
	b.deps[ref] = deps
	return nil
}

// opaqueNote is the note of an artefact described without syft.
const opaqueNote = "contents: a raw image in no format craudit reads (no archive, executable or structured file syft catalogues); whatever it holds is not catalogued"

// notice reports a component whose contents are not catalogued: an
// artefact (member "") or a file inside one.
func (b *builder) notice(art, member, note string) {
	if b.o.Notice == nil {
		return
	}
	subject := strings.TrimPrefix(art, "artefact:")
	if member != "" {
		subject += ": " + member
	}
	b.o.Notice("not catalogued: " + subject + ": " + strings.TrimPrefix(note, "contents: "))
}

// vendorFields marks a component as the manufacturer's own.
func (b *builder) vendorFields(c *cdx.Component) {
	if oe := b.creatorEntity(); oe != nil {
		c.Manufacturer = oe
	}
	if b.o.VendorLicence != "" {
		c.Licenses = &cdx.Licenses{{Expression: b.o.VendorLicence, Acknowledgement: &ackConcluded}}
	}
}

func (b *builder) creatorEntity() *cdx.OrganizationalEntity {
	c := b.o.Creator
	if c.Name == "" && c.Email == "" && c.URL == "" {
		return nil
	}
	oe := &cdx.OrganizationalEntity{Name: c.Name}
	if c.URL != "" {
		oe.URL = &[]string{c.URL}
	}
	if c.Email != "" {
		oe.Contact = &[]cdx.OrganizationalContact{{Name: c.Name, Email: c.Email}}
	}
	return oe
}

// treeFile is a regular file inside an archive or folder, with what the
// SBOM needs to know about it.
type treeFile struct {
	path    string // in-archive path, "/bin/busybox"
	mode    fs.FileMode
	modTime time.Time
	sha256  string
	sha512  string
	kind    kind
	// tags is the licence metadata the file states about itself (SPDX
	// file tags in its first bytes); empty for most files.
	tags filetags.Tags
}

// catalogue runs syft over one artefact and, for archives and folders, lists
// the regular files inside with their digests (read from syft's own
// extracted copy, so the artefact itself is not read again). An archive p
// must have passed archhead.Check (Generate checks every artefact first).
func catalogue(ctx context.Context, p string, dir bool, members map[string]member) (*sbom.SBOM, []treeFile, []treeLink, error) {
	srcKind, srcPath, single := "file", p, false
	if dir {
		srcKind = "dir"
	} else if !syftExtracts(p) {
		// A plain file: syft's file source would read all of it once more to
		// derive its ID. Catalogue it as the only entry of a folder instead
		// (a hard link, so no bytes are copied); the cataloguers still read
		// whatever they need of it.
		if d, cleanup, err := linkAlone(p); err == nil {
			defer cleanup()
			srcKind, srcPath, single = "dir", d, true
		}
	}
	src, closeSrc, err := syftsource.Open(ctx, srcPath, srcKind)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("syft cannot read it: %s", oneLine(err))
	}
	defer closeSrc()
	// Files are listed below from the resolver; syft's own file cataloguing
	// (and its digests of every file) is switched off.
	cfg := syft.DefaultCreateSBOMConfig().WithoutFiles().WithParallelism(1).WithCatalogerSelection(catalogers)
	s, err := syft.CreateSBOM(ctx, src, cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	res, err := src.FileResolver(source.SquashedScope)
	if err != nil {
		return nil, nil, nil, err
	}
	var files []treeFile
	var links []treeLink
	seen := map[string]bool{}
	var locs []file.Location
	for loc := range res.AllLocations(ctx) {
		locs = append(locs, loc)
	}
	for _, loc := range locs {
		rp := loc.RealPath
		if seen[rp] {
			continue
		}
		seen[rp] = true
		md, err := res.FileMetadataByLocation(loc)
		if err != nil {
			continue
		}
		inTree := "/" + strings.TrimPrefix(rp, "/")
		if m, ok := members[inTree]; ok && m.Symlink {
			// syft unpacks a link as an empty regular file: the archive's
			// header says what it is.
			links = append(links, treeLink{path: inTree, target: m.Target})
			continue
		}
		if md.Type == stfile.TypeSymLink && dir {
			target, _ := os.Readlink(filepath.Join(p, filepath.FromSlash(rp)))
			links = append(links, treeLink{path: inTree, target: target})
			continue
		}
		if md.Type != stfile.TypeRegular {
			continue
		}
		if single || (!dir && isSingleFile(src)) {
			continue // a plain file: the artefact itself is the component
		}
		tf, err := readTreeFile(res, loc, md)
		if err != nil {
			return nil, nil, nil, err
		}
		if dir {
			tf.modTime = md.ModTime().UTC() // a folder's files keep theirs
		}
		files = append(files, tf)
	}
	slices.SortFunc(files, func(a, b treeFile) int { return strings.Compare(a.path, b.path) })
	slices.SortFunc(links, func(a, b treeLink) int { return strings.Compare(a.path, b.path) })
	return s, files, links, nil
}

// catalogers are syft's cataloguers for installed software (its "image"
// set: package databases, installed npm and Python packages, Go and other
// binaries), since an update artefact is what gets installed, not a source
// tree; plus the .deb archive cataloguer, for releases that ship packages.
var catalogers = cataloging.NewSelectionRequest().WithDefaults(pkgcataloging.ImageTag).WithAdditions("deb-archive-cataloger")

// isSingleFile reports whether a file source is a plain file, not an
// archive syft unpacked.
func isSingleFile(src source.Source) bool {
	d := src.Describe()
	if m, ok := d.Metadata.(source.FileMetadata); ok {
		return !isArchiveMIME(m.MIMEType)
	}
	return false
}

func isArchiveMIME(m string) bool {
	switch m {
	case "application/x-tar", "application/zip", "application/gzip", "application/x-gzip",
		"application/java-archive", "application/x-xz", "application/x-bzip2", "application/zstd":
		return true
	}
	return false
}

func readTreeFile(res file.Resolver, loc file.Location, md file.Metadata) (treeFile, error) {
	rc, err := res.FileContentsByLocation(loc)
	if err != nil {
		return treeFile{}, err
	}
	defer rc.Close()
	h256, h512 := sha256.New(), sha512sys.New()
	head := &headWriter{max: max(sniffLen, filetags.MaxLen)}
	if _, err := io.Copy(io.MultiWriter(h256, h512, head), rc); err != nil {
		return treeFile{}, err
	}
	p := "/" + strings.TrimPrefix(loc.RealPath, "/")
	return treeFile{
		path: p, mode: md.Mode(),
		sha256: hex.EncodeToString(h256.Sum(nil)), sha512: hex.EncodeToString(h512.Sum(nil)),
		kind: classify(p, md.Mode(), head.buf.Bytes()[:min(head.buf.Len(), sniffLen)]),
		tags: filetags.Read(head.buf.Bytes()),
	}, nil
}

type headWriter struct {
	buf bytes.Buffer
	max int
}

func (h *headWriter) Write(p []byte) (int, error) {
	if n := h.max - h.buf.Len(); n > 0 {
		h.buf.Write(p[:min(n, len(p))])
	}
	return len(p), nil
}

// distribution is an externalReferences entry of type distribution: where
// the deployable form is obtained and its SHA-512.
func distribution(u, sha512 string) cdx.ExternalReference {
	return cdx.ExternalReference{Type: cdx.ERTypeDistribution, URL: u,
		Hashes: &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA512, Value: sha512}}}
}

func hashes(s256, s512 string) *[]cdx.Hash {
	var hs []cdx.Hash
	if s256 != "" {
		hs = append(hs, cdx.Hash{Algorithm: cdx.HashAlgoSHA256, Value: s256})
	}
	if s512 != "" {
		hs = append(hs, cdx.Hash{Algorithm: cdx.HashAlgoSHA512, Value: s512})
	}
	if len(hs) == 0 {
		return nil
	}
	return &hs
}

// describe turns syft's packages and the tree's files into components
// nested under the artefact, and returns the artefact's direct dependencies.
func (b *builder) describe(artRef string, s *sbom.SBOM, files []treeFile, links []treeLink, artProps *[]cdx.Property) ([]cdx.Component, []string, error) {
	pkgs := s.Artifacts.Packages.Sorted()
	refOf := map[artifact.ID]string{}
	owned := map[string]string{} // file path -> package ref
	var trees []ownedTree        // folders a package's manifest stands for
	var comps []cdx.Component
	used := map[string]int{}
	for _, p := range pkgs {
		ref := artRef + "#" + pkgKey(p)
		if n := used[ref]; n > 0 {
			ref = fmt.Sprintf("%s~%d", ref, n)
		}
		used[ref]++
		refOf[p.ID()] = ref
		for _, fp := range ownedFiles(p) {
			owned[fp] = ref
		}
		trees = append(trees, packageTrees(p, ref)...)
	}
	owner := func(fp string) (string, bool) {
		if r, ok := owned[fp]; ok {
			return r, true
		}
		return treeOwner(trees, fp)
	}
	byRef := map[string][]treeFile{}
	var loose []treeFile
	for _, f := range files {
		if r, ok := owner(f.path); ok {
			byRef[r] = append(byRef[r], f)
		} else {
			loose = append(loose, f)
		}
	}
	linksOf := map[string][]treeLink{}
	for _, l := range links {
		r, _ := owner(l.path) // "" for links no package installed
		linksOf[r] = append(linksOf[r], l)
	}
	for _, l := range linksOf[""] {
		*artProps = append(*artProps, linkProperty(l))
	}
	// Dependencies between packages, from the package managers' data.
	pdeps := map[string][]string{}
	for _, r := range s.Relationships {
		if r.Type != artifact.DependencyOfRelationship {
			continue
		}
		from, ok1 := refOf[r.From.ID()]
		to, ok2 := refOf[r.To.ID()]
		if ok1 && ok2 && from != to {
			// From is a dependency of To.
			pdeps[to] = appendUnique(pdeps[to], from)
		}
	}
	var direct []string
	for _, p := range pkgs {
		ref := refOf[p.ID()]
		c := b.packageComponent(p, ref, byRef[ref], linksOf[ref])
		comps = append(comps, c)
		direct = append(direct, ref)
		d := pdeps[ref]
		slices.Sort(d)
		b.deps[ref] = d
		if hasCompleteDeps(p) {
			b.complete = append(b.complete, ref)
		} else {
			b.unknown = append(b.unknown, ref)
		}
	}
	// Files no package owns: the vendor's own, and anything unmanaged.
	// Every executable, archive or structured one is a component (BSI).
	if d := s.Artifacts.LinuxDistribution; d != nil && d.ID != "" {
		// Recorded on the artefact rather than as a component: the operating
		// system is not one deployable file; its packages are listed one by one.
		b.osNames[artRef] = strings.TrimSpace(d.ID + " " + d.VersionID)
	}
	for _, f := range loose {
		// A file that states its own licence is a third party's, and a
		// component whatever its kind, so the SBOM says whose it is.
		own := !f.tags.Empty()
		if !own && !f.kind.executable && !f.kind.archive && !f.kind.structured {
			continue
		}
		ref := artRef + "#file:" + f.path
		c := b.fileComponent(f, ref)
		if own {
			f.tags.Describe(&c, PropNote)
		} else {
			b.vendorFields(&c)
		}
		if f.kind.archive {
			notCatalogued(&c)
			b.notice(artRef, f.path, nestedNote)
		}
		comps = append(comps, c)
		direct = append(direct, ref)
		b.unknown = append(b.unknown, ref)
	}
	slices.Sort(direct)
	b.complete = append(b.complete, artRef)
	return comps, direct, nil
}

func appendUnique(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// hasCompleteDeps reports whether a package's dependency list comes from a
// package manager's own record, which lists every runtime dependency.
func hasCompleteDeps(p pkg.Package) bool {
	switch p.Type {
	case pkg.ApkPkg, pkg.DebPkg, pkg.RpmPkg, pkg.GoModulePkg:
		return true
	}
	return false
}

func pkgKey(p pkg.Package) string {
	if p.PURL != "" {
		return p.PURL
	}
	return string(p.Type) + ":" + p.Name + "@" + p.Version
}

// ownedFiles lists the in-tree paths a package's metadata says it installed.
func ownedFiles(p pkg.Package) []string {
	var out []string
	if fo, ok := p.Metadata.(pkg.FileOwner); ok {
		for _, f := range fo.OwnedFiles() {
			out = append(out, "/"+strings.TrimPrefix(f, "/"))
		}
	}
	return out
}

func (b *builder) fileComponent(f treeFile, ref string) cdx.Component {
	c := cdx.Component{
		BOMRef: ref, Type: cdx.ComponentTypeFile, Name: f.path,
		Hashes: hashes(f.sha256, f.sha512),
	}
	if b.artURL != "" && f.sha512 != "" {
		// The file's deployable form is the member of the artefact at its
		// path: the artefact's URL with the path as fragment (".../fw.tar#/bin/sh"),
		// and the member's own SHA-512 (TR-03183-2 section 8.2's place for it).
		u := b.artURL + "#" + (&url.URL{Fragment: f.path}).EscapedFragment()
		c.ExternalReferences = &[]cdx.ExternalReference{distribution(u, f.sha512)}
	}
	if !f.modTime.IsZero() && f.modTime.Unix() > 0 {
		// BSI: without a version, the file's modification time stands in.
		c.Version = f.modTime.UTC().Format(time.RFC3339)
	}
	var notes []cdx.Property
	if c.Version == "" {
		notes = append(notes, cdx.Property{Name: PropNote, Value: "version: the file carries no version and its archive records no modification time"})
	}
	props := []cdx.Property{{Name: PropFilename, Value: path.Base(f.path)}}
	props = append(props, f.kind.props()...)
	props = append(props, notes...)
	c.Properties = &props
	return c
}

// ProductPURL is the package URL craudit gives a release of a product:
// pkg:generic/<product id>@<version>. VEX statements about the release name
// it as their product.
func ProductPURL(productID, version string) string {
	p := "pkg:generic/" + url.PathEscape(productID)
	if version != "" {
		p += "@" + url.PathEscape(version)
	}
	return p
}

// oneLine folds syft's multi-line errors (one line per source provider)
// into the single line the command line prints.
func oneLine(err error) string {
	var parts []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if l = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "- ")); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, "; ")
}
