package dossierdoc

import (
	"github.com/craudit/craudit/reports"
	"github.com/craudit/craudit/reports/conformity"
	"github.com/craudit/craudit/reports/document"
)

// Build writes the dossier's whole document from the report data.
func Build(d *reports.Data) *document.Document {
	return document.Build(d, document.Parts{
		General:    general,
		Design:     design,
		Conformity: conformitySection,
		Paperwork:  paperwork,
		Fleet:      fleetSections,
	})
}

// conformitySection is Annex VII point 7: the declaration of conformity.
func conformitySection(d *reports.Data) document.Section {
	return document.Annex(7, conformity.Blocks(d))
}
