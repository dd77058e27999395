package generate

import (
	"path"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/anchore/syft/syft/pkg"
)

// PropSymlink records a symbolic link in the tree ("/bin/sh -> /bin/busybox")
// on the package that installed it, or on the artefact when none did.
const PropSymlink = "craudit:symlink"

// ownedTree is a folder a package's own manifest stands for: an npm
// package's package.json describes every file below its folder.
type ownedTree struct {
	dir, ref string
}

// packageTrees returns the folders whose files belong to p beyond the
// files its metadata lists (ownedFiles): for packages described by a
// manifest in their root folder (npm's package.json), that folder.
func packageTrees(p pkg.Package, ref string) []ownedTree {
	if p.Type != pkg.NpmPkg {
		return nil
	}
	var out []ownedTree
	for _, l := range p.Locations.ToSlice() {
		rp := "/" + strings.TrimPrefix(l.RealPath, "/")
		if path.Base(rp) == "package.json" {
			out = append(out, ownedTree{dir: path.Dir(rp), ref: ref})
		}
	}
	return out
}

// treeOwner finds the package whose folder holds fp, the innermost one
// when packages nest (node_modules inside a package).
func treeOwner(trees []ownedTree, fp string) (string, bool) {
	best, ref := -1, ""
	for _, t := range trees {
		if (t.dir == "/" || strings.HasPrefix(fp, t.dir+"/")) && len(t.dir) > best {
			best, ref = len(t.dir), t.ref
		}
	}
	return ref, best >= 0
}

func linkProperty(l treeLink) cdx.Property {
	return cdx.Property{Name: PropSymlink, Value: l.path + " -> " + l.target}
}

// notCatalogued marks an archive inside an artefact whose own contents
// were not looked into: syft does not open nested archives (an npm
// tarball, a Python wheel or sdist, a Go module zip), so whatever packages
// it holds are absent from the SBOM, and the SBOM says so.
func notCatalogued(c *cdx.Component) {
	if c.Properties == nil {
		c.Properties = &[]cdx.Property{}
	}
	*c.Properties = append(*c.Properties, cdx.Property{Name: PropNote, Value: nestedNote})
}

const nestedNote = "contents: an archive inside the artefact; the packages it holds (npm, PyPI, Go module or other) are not catalogued, since nested archives are not opened"
