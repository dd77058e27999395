package document

import (
	"path"
	"strings"

	"github.com/craudit/craudit/reports"
)

// paperworkKind names a CRA paperwork file by its name, as the commands
// that make them name them.
func paperworkKind(p string) string {
	base := path.Base(p)
	switch {
	case strings.HasSuffix(base, ".sig"), base == "SHA256SUMS", base == "signer.pub", strings.HasPrefix(base, "signer.cert"):
		return "signature material"
	case strings.Contains(base, "early-warning"), strings.Contains(base, "notification"), strings.Contains(base, "final-report"):
		return "Art. 14 notification draft (not sent)"
	case strings.Contains(p, "declaration"):
		return "EU declaration of conformity (Annex V / VI)"
	case strings.Contains(base, "user-information"):
		return "information for users (Annex II)"
	case strings.Contains(base, "vex"):
		return "CSAF VEX"
	case strings.HasSuffix(base, ".json") && strings.Contains(strings.ToLower(base), "csaf"), strings.Contains(base, "advisory"):
		return "CSAF security advisory"
	}
	return "other"
}

// paperwork lists the CRA paperwork the dossier encloses (none: no section).
func paperwork(d *reports.Data) []Section {
	if len(d.Paperwork) == 0 {
		return nil
	}
	s := Section{ID: "paperwork", Title: "CRA paperwork", Blocks: []Block{Paragraph{Words(
		"Documents made from the same evidence and enclosed under paperwork/, each pinned by the dossier's signed SHA256SUMS. Notification drafts were not sent: submission goes through ENISA's single reporting platform (CRA Art. 16).")}}}
	t := Table{Columns: []Column{{Title: "File", Weight: 7, Mono: true}, {Title: "What", Weight: 3}}}
	for _, f := range d.Paperwork {
		cell := TextOf(Span{Kind: File, Text: f.Path, Href: f.Path, Hash: f.SHA256})
		if f.SHA256 == "" {
			cell = TextOf(Span{Kind: File, Text: f.Path, Href: f.Path}, PlainSpan(" (cited by path; hash in SHA256SUMS)"))
		}
		t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: cell}, {Text: Words(paperworkKind(f.Path))}}})
	}
	s.Blocks = append(s.Blocks, t)
	return []Section{s}
}
