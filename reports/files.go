package reports

import (
	"fmt"
	"path"
	"strings"

	"github.com/craudit/craudit/evidence/bundle"
)

// FileRef is one evidence file as a report cites it. Path is relative to the
// bundle for bundle items and "live/..." for live evidence gathered outside
// the bundle. SHA256 is empty for files cited by path only (bundle.PathOnly):
// their hashes are pinned by bundle.json and the dossier's SHA256SUMS.
type FileRef struct {
	Path   string
	Role   string
	Size   int64
	SHA256 string
	// Live is evidence outside the bundle (a dossier's evidence/live/).
	Live bool
}

// Href is the link to f from the report's own folder.
func (d *Data) Href(f FileRef) string {
	if f.Live {
		return d.EvidencePrefix + f.Path
	}
	return d.EvidencePrefix + d.ItemPrefix + f.Path
}

// File returns the reference for a bundle item or live evidence path.
func (d *Data) File(p string) (FileRef, bool) {
	for _, it := range d.Items {
		if it.Path == p {
			return itemRef(it), true
		}
	}
	for _, l := range d.Live {
		if l.Path == p {
			return FileRef{Path: p, Role: "live evidence", Live: true}, true
		}
	}
	return FileRef{}, false
}

// resultFile maps a check's evidence reference (relative to the bundle, or
// to a dossier's evidence/ folder) back to the file it names.
func (d *Data) resultFile(p string) (FileRef, bool) {
	if f, ok := d.File(p); ok {
		return f, true
	}
	return d.File(strings.TrimPrefix(p, "bundle/"))
}

func itemRef(it bundle.Item) FileRef {
	f := FileRef{Path: it.Path, Role: it.Role, Size: it.Size, SHA256: it.SHA256}
	if bundle.PathOnly(it.Path, it.Role) {
		f.SHA256, f.Size = "", 0
	}
	return f
}

// itemsWithRole lists the bundle items with a role, in path order.
func (d *Data) itemsWithRole(role string) []FileRef {
	var out []FileRef
	for _, it := range d.Items {
		if it.Role == role {
			out = append(out, itemRef(it))
		}
	}
	return out
}

// filesMatching lists bundle items and live files whose path matches one of
// the patterns (path.Match syntax), in path order, each once.
func (d *Data) filesMatching(patterns ...string) []FileRef {
	var out []FileRef
	match := func(p string) bool {
		for _, pat := range patterns {
			if ok, _ := path.Match(pat, p); ok {
				return true
			}
		}
		return false
	}
	for _, it := range d.Items {
		if match(it.Path) {
			out = append(out, itemRef(it))
		}
	}
	for _, l := range d.Live {
		if match(l.Path) {
			out = append(out, FileRef{Path: l.Path, Role: "live evidence", Live: true})
		}
	}
	return out
}

// IndexEntry is one file of the evidence index: the one place a report
// prints a file's hash. Everything else cites the file by Ref ("E7").
type IndexEntry struct {
	Ref string
	FileRef
}

// EvidenceIndex numbers the evidence files: the bundle's items in the
// signed index's order, then the live evidence in path order. The numbering
// depends on the evidence only, so the same bundle gives the same references.
func (d *Data) EvidenceIndex() []IndexEntry {
	out := make([]IndexEntry, 0, len(d.Items)+len(d.Live))
	for _, it := range d.Items {
		out = append(out, IndexEntry{Ref: fmt.Sprintf("E%d", len(out)+1), FileRef: itemRef(it)})
	}
	for _, l := range d.Live {
		out = append(out, IndexEntry{Ref: fmt.Sprintf("E%d", len(out)+1), FileRef: FileRef{Path: l.Path, Role: "live evidence", Live: true}})
	}
	return out
}

// RefOf returns the evidence-index reference of a bundle item or live
// evidence path, or of a check's evidence path (which a dossier prefixes
// with "bundle/"); "" when the file is not in the index.
func (d *Data) RefOf(p string) string {
	n := 0
	for _, it := range d.Items {
		n++
		if it.Path == p || d.ItemPrefix != "" && d.ItemPrefix+it.Path == p {
			return fmt.Sprintf("E%d", n)
		}
	}
	for _, l := range d.Live {
		n++
		if l.Path == p {
			return fmt.Sprintf("E%d", n)
		}
	}
	return ""
}

// WithRole lists the bundle items with a role, in path order.
func (d *Data) WithRole(role string) []FileRef { return d.itemsWithRole(role) }
