package generate

import (
	"bytes"
	"io/fs"
	"net/mail"
	"path"
	"slices"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/anchore/syft/syft/cpe"
	"github.com/anchore/syft/syft/pkg"
)

// Property names of the BSI TR-03183-2 CycloneDX taxonomy, and craudit's own.
const (
	PropFilename   = "bsi:component:filename"
	PropExecutable = "bsi:component:executable"
	PropArchive    = "bsi:component:archive"
	PropStructured = "bsi:component:structured"
	// PropNote explains, in words, a field that is absent and why.
	PropNote = "craudit:note"
	// PropOS names the operating system syft identified in an artefact.
	PropOS = "craudit:operating-system"
)

// aggregateLicence is the licence of an artefact that bundles parts: all of
// the parts' licences together (AND). It is known only when every part's is.
func aggregateLicence(parts []cdx.Component, vendor string) (string, bool) {
	var ids []string
	if vendor != "" {
		ids = append(ids, vendor)
	}
	for _, c := range parts {
		if c.Licenses == nil || len(*c.Licenses) == 0 {
			return "", false
		}
		n := len(ids)
		for _, l := range *c.Licenses {
			if declaredOnly(l) {
				continue // the concluded twin is listed too
			}
			switch {
			case l.Expression != "" && !strings.Contains(l.Expression, " "):
				ids = append(ids, l.Expression)
			case l.Expression != "":
				ids = append(ids, "("+l.Expression+")")
			case l.License != nil && l.License.ID != "":
				ids = append(ids, l.License.ID)
			default:
				return "", false
			}
		}
		if len(ids) == n {
			return "", false // declared licences only: nothing concluded
		}
	}
	if len(ids) == 0 {
		return "", false
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return strings.Join(ids, " AND "), true
}

// kind is what BSI asks to know about a file.
type kind struct{ executable, archive, structured bool }

func (k kind) props() []cdx.Property {
	yes := func(b bool, y, n string) string {
		if b {
			return y
		}
		return n
	}
	return []cdx.Property{
		{Name: PropExecutable, Value: yes(k.executable, "executable", "non-executable")},
		{Name: PropArchive, Value: yes(k.archive, "archive", "no archive")},
		{Name: PropStructured, Value: yes(k.structured, "structured", "unstructured")},
	}
}

// classify tells from a file's name, mode and first bytes whether it is an
// executable, an archive or a structured (machine-readable) file.
func classify(name string, mode fs.FileMode, head []byte) kind {
	var k kind
	switch {
	case bytes.HasPrefix(head, []byte("\x7fELF")), bytes.HasPrefix(head, []byte("MZ")),
		bytes.HasPrefix(head, []byte{0xcf, 0xfa, 0xed, 0xfe}), bytes.HasPrefix(head, []byte{0xfe, 0xed, 0xfa, 0xcf}),
		bytes.HasPrefix(head, []byte("#!")):
		k.executable = true
	}
	if mode&0o111 != 0 && mode.IsRegular() {
		k.executable = true
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte{0x1f, 0x8b}),
		bytes.HasPrefix(head, []byte("\xfd7zXZ\x00")), bytes.HasPrefix(head, []byte("BZh")),
		bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}),
		len(head) > 262 && bytes.Equal(head[257:262], []byte("ustar")):
		k.archive = true
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".tar", ".zip", ".gz", ".tgz", ".xz", ".bz2", ".zst", ".apk", ".ipk", ".deb", ".rpm", ".jar", ".swu", ".raucb", ".mender", ".squashfs":
		k.archive = true
	case ".json", ".xml", ".yaml", ".yml", ".toml", ".cbor":
		k.structured = true
	}
	if !k.archive && !k.executable {
		t := bytes.TrimLeft(head, " \t\r\n")
		if bytes.HasPrefix(t, []byte("<?xml")) || (bytes.HasPrefix(t, []byte("{")) && bytes.Contains(t, []byte("\":"))) {
			k.structured = true
		}
	}
	return k
}

// packageComponent describes a package syft found, with the files it
// installed as nested components (its deployable form inside the image).
func (b *builder) packageComponent(p pkg.Package, ref string, files []treeFile, links []treeLink) cdx.Component {
	c := cdx.Component{BOMRef: ref, Type: cdx.ComponentTypeLibrary, Name: p.Name, Version: p.Version, PackageURL: p.PURL}
	if s := declaredCPE(p.CPEs); s != "" {
		c.CPE = s
	}
	var notes []string
	var licNote string
	c.Licenses, licNote = licences(p)
	if licNote != "" {
		notes = append(notes, licNote)
	}
	if a := authors(p); a != nil {
		c.Authors = a
		// The maintainer is who supplies the package as it is installed.
		c.Supplier = &cdx.OrganizationalEntity{Name: (*a)[0].Name, Contact: &[]cdx.OrganizationalContact{(*a)[0]}}
	} else {
		notes = append(notes, "creator: the package metadata names no maintainer or author")
	}
	if m, ok := p.Metadata.(pkg.ApkDBEntry); ok {
		if m.URL != "" {
			c.ExternalReferences = &[]cdx.ExternalReference{{Type: cdx.ERTypeWebsite, URL: m.URL}}
		}
		c.Description = m.Description
	}
	exe := false
	var nested []cdx.Component
	for _, f := range files {
		fc := b.fileComponent(f, ref+"/file:"+f.path)
		fc.Authors, fc.Licenses = c.Authors, c.Licenses
		if c.Version != "" {
			// The installed file is part of that package version.
			fc.Version = c.Version
		}
		nested = append(nested, fc)
		exe = exe || f.kind.executable
	}
	props := []cdx.Property{}
	for _, l := range links {
		props = append(props, linkProperty(l))
	}
	if len(nested) > 0 {
		c.Components = &nested
		props = append(props, kind{executable: exe}.props()...)
		notes = append(notes, "hash and filename: the package archive is not part of the release; its installed files are listed as sub-components, each with its SHA-512")
	} else if len(links) > 0 {
		notes = append(notes, "hash and filename: the package installs only symbolic links (listed as "+PropSymlink+"), no file of its own")
	} else {
		notes = append(notes, "hash and filename: syft found this package from metadata only; no file of the release is known to be its deployable form")
	}
	for _, n := range notes {
		props = append(props, cdx.Property{Name: PropNote, Value: n})
	}
	if len(props) > 0 {
		c.Properties = &props
	}
	return c
}

// declaredCPE returns a CPE the package's own data declares; syft's guessed
// CPEs are left out, since the SBOM would present a guess as fact.
func declaredCPE(cs []cpe.CPE) string {
	for _, c := range cs {
		if c.Source == cpe.DeclaredSource || c.Source == cpe.NVDDictionaryLookupSource {
			return c.Attributes.BindToFmtString()
		}
	}
	return ""
}

// Licence acknowledgements (CycloneDX 1.6).
var (
	ackDeclared  = cdx.LicenseAcknowledgementDeclared
	ackConcluded = cdx.LicenseAcknowledgementConcluded
)

func declaredOnly(l cdx.LicenseChoice) bool {
	if l.License != nil {
		return l.License.Acknowledgement == ackDeclared
	}
	return l.Acknowledgement != nil && *l.Acknowledgement == ackDeclared
}

// licences lists a package's licences twice, as CycloneDX 1.6 tells them
// apart: declared (what the package metadata states, the original licence)
// and concluded (the licence the manufacturer distributes it under, taken
// from that statement: craudit does no licence analysis of its own, and
// the note says so). A licence that is a name, not an SPDX identifier, is
// declared only. CycloneDX allows a single expression per list, so a
// licence with OR or WITH is given once, concluded, and the note says the
// declared one is the same.
func licences(p pkg.Package) (*cdx.Licenses, string) {
	var ids, names, exprs []string
	for _, l := range p.Licenses.ToSlice() {
		switch {
		case l.SPDXExpression != "" && !strings.ContainsAny(l.SPDXExpression, " ()"):
			ids = append(ids, l.SPDXExpression)
		case l.SPDXExpression != "" && andOnly(l.SPDXExpression):
			ids = append(ids, strings.Split(l.SPDXExpression, " AND ")...)
		case l.SPDXExpression != "":
			exprs = append(exprs, l.SPDXExpression)
		case l.Value != "":
			names = append(names, l.Value)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	const concludedNote = "licence: the concluded licence is the one the package metadata declares; craudit did no licence analysis of its own"
	switch {
	case len(ids)+len(names)+len(exprs) == 0:
		return nil, "licence: the package metadata declares none"
	case len(exprs) > 0:
		all := slices.Clone(exprs)
		all = append(all, ids...)
		for i, e := range all {
			if strings.Contains(e, " ") && len(all) > 1 {
				all[i] = "(" + e + ")"
			}
		}
		note := concludedNote + "; CycloneDX allows one expression per list, so the declared licence, the same expression, is not repeated"
		if len(names) > 0 {
			note += "; not SPDX: " + strings.Join(names, ", ")
		}
		return &cdx.Licenses{{Expression: strings.Join(all, " AND "), Acknowledgement: &ackConcluded}}, note
	}
	var ls cdx.Licenses
	for _, id := range ids {
		ls = append(ls, cdx.LicenseChoice{License: &cdx.License{ID: id, Acknowledgement: ackDeclared}})
	}
	for _, n := range names {
		ls = append(ls, cdx.LicenseChoice{License: &cdx.License{Name: n, Acknowledgement: ackDeclared}})
	}
	if len(names) > 0 {
		return &ls, "licence: declared by name, not as an SPDX identifier, so no distribution licence is concluded"
	}
	for _, id := range ids {
		ls = append(ls, cdx.LicenseChoice{License: &cdx.License{ID: id, Acknowledgement: ackConcluded}})
	}
	return &ls, concludedNote
}

// andOnly reports whether an SPDX expression is identifiers joined by AND.
func andOnly(e string) bool {
	for _, part := range strings.Split(e, " AND ") {
		if part == "" || strings.ContainsAny(part, " ()") {
			return false
		}
	}
	return true
}

// authors maps the package maintainer (apk m:, deb Maintainer) to
// CycloneDX authors, as an e-mail where one is given.
func authors(p pkg.Package) *[]cdx.OrganizationalContact {
	var who string
	switch m := p.Metadata.(type) {
	case pkg.ApkDBEntry:
		who = m.Maintainer
	case pkg.DpkgDBEntry:
		who = m.Maintainer
	case pkg.DpkgArchiveEntry:
		who = m.Maintainer
	case pkg.NpmPackage:
		who = m.Author
	case pkg.PythonPackage:
		who = m.Author
		if m.AuthorEmail != "" {
			who = strings.TrimSpace(m.Author + " <" + m.AuthorEmail + ">")
		}
	}
	who = strings.TrimSpace(who)
	if who == "" {
		return nil
	}
	if a, err := mail.ParseAddress(who); err == nil {
		return &[]cdx.OrganizationalContact{{Name: a.Name, Email: a.Address}}
	}
	return &[]cdx.OrganizationalContact{{Name: who}}
}
