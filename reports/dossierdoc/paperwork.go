package dossierdoc

import (
	"path"
	"strings"

	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/document"
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
func paperwork(d *reports.Data) []document.Section {
	if len(d.Paperwork) == 0 {
		return nil
	}
	s := document.Section{ID: "paperwork", Title: "CRA paperwork", Blocks: []document.Block{document.Paragraph{Text: document.Words(
		"Documents made from the same evidence and enclosed under paperwork/, each pinned by the dossier's signed SHA256SUMS. Notification drafts were not sent: submission goes through ENISA's single reporting platform (CRA Art. 16).")}}}
	t := document.Table{Columns: []document.Column{{Title: "File", Weight: 8, Mono: true}, {Title: "What", Weight: 2.6}}}
	for _, f := range d.Paperwork {
		cell := document.TextOf(document.Span{Kind: document.File, Text: f.Path, Href: f.Path, Hash: f.SHA256})
		if f.SHA256 == "" {
			cell = document.TextOf(document.Span{Kind: document.File, Text: f.Path, Href: f.Path}, document.PlainSpan(" (cited by path; hash in SHA256SUMS)"))
		}
		t.Rows = append(t.Rows, document.Row{Cells: []document.Cell{{Text: cell}, {Text: document.Words(paperworkKind(f.Path))}}})
	}
	s.Blocks = append(s.Blocks, t)
	return []document.Section{s}
}
