package reports

import (
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/mappings"
)

// annexIPartI are the essential requirements of Annex I Part I for the
// risk-assessment table (Annex VII point 3): point 1 and the properties (a)
// to (m) of point 2, with the titles of the CRA catalogue in mappings.
func annexIPartI() []mappings.Entry {
	m := mappings.MustLoad()
	one, _ := m.Lookup("cra/annex-i/part-i/1")
	return append([]mappings.Entry{one}, m.Children("cra/annex-i/part-i/2")...)
}

// RiskRow is one Annex I Part I requirement and what the evidence says about it.
type RiskRow struct {
	ID, Title string
	// Status is the worst status of the results mapped to the requirement;
	// empty when nothing in the evidence addresses it.
	Status       checks.Status
	Checks       []ClaimCheck
	Declarations []product.Declaration
}

func buildRisk(d *Data) []RiskRow {
	var out []RiskRow
	for _, req := range annexIPartI() {
		row := RiskRow{ID: req.ID, Title: req.DisplayTitle()}
		var sts []checks.Status
		if d.Report != nil {
			for _, r := range d.Report.Results {
				if mapsTo(r.MapsTo, req.ID) {
					row.Checks = append(row.Checks, ClaimCheck{Check: r.Check, Status: r.Status})
					sts = append(sts, r.Status)
					if decl, ok := d.Answers.Find(r.Check); ok {
						row.Declarations = append(row.Declarations, decl)
					}
				}
			}
		}
		if len(sts) > 0 {
			row.Status = Worst(sts)
		}
		out = append(out, row)
	}
	return out
}

// mapsTo reports whether a result maps to id or to a sub-item of it.
func mapsTo(ids []string, id string) bool {
	for _, m := range ids {
		if m == id || strings.HasPrefix(m, id+"/") {
			return true
		}
	}
	return false
}
