package dossierdoc_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/fleet"
	"github.com/craudit/craudit/fixtures/minibundle"
	"github.com/craudit/craudit/fixtures/thermostat"
	"github.com/craudit/craudit/reports/document"
	"github.com/craudit/craudit/reports/dossierdoc"
	"github.com/craudit/craudit/reports/internal/dossiertest"
	"github.com/craudit/craudit/reports/internal/layouttext"
)

// fleetSnapshot: 12 units, 10 reporting on two releases, two campaigns,
// one past support, one without a start, two silent, three refused reports.
func fleetSnapshot(t testing.TB) []byte {
	s := fleet.Status{
		Schema: fleet.StatusSchema, ReferenceTime: minibundle.At.Add(-time.Hour), Product: thermostat.ProductID, Store: "sqlite",
		Units: 12, Reporting: 10,
		Releases: []fleet.ReleaseStatus{
			{Version: "1.0.1", Units: 3, Attempts: fleet.Counts{Attempts: 4, Success: 1, Failure: 2, Rollback: 1}, Judged: true, OpenVulnerabilities: []string{"CVE-2024-2511"}},
			{Version: "1.1.0", Units: 7, Attempts: fleet.Counts{Attempts: 8, Success: 7, RefusedAttack: 1}},
		},
		Campaigns: []fleet.CampaignStatus{
			{ID: "rollout-1.0.1", Release: "1.0.1", Attempts: fleet.Counts{Attempts: 4, Success: 1, Failure: 2, Rollback: 1}},
			{ID: "rollout-1.1.0", Release: "1.1.0", Attempts: fleet.Counts{Attempts: 8, Success: 7, RefusedAttack: 1}},
		},
		Support:                fleet.SupportStatus{InSupport: 10, PastSupport: []string{"TH-0001"}, UnknownStart: []string{"TH-0012"}},
		SilentDays:             14,
		SilentUnits:            []string{"TH-0011", "TH-0012"},
		Rejected:               fleet.Rejections{BadSignature: 1, Replay: 2},
		OpenVulnerabilityUnits: 3, UnjudgedUnits: 7,
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func findSection(ss []document.Section, id string) *document.Section {
	for i := range ss {
		if ss[i].ID == id {
			return &ss[i]
		}
		if s := findSection(ss[i].Subs, id); s != nil {
			return s
		}
	}
	return nil
}

func TestFleetSection(t *testing.T) {
	_, plain := dossiertest.Build(t, dossiertest.Options{})
	if findSection(plain.Sections, "fleet") != nil {
		t.Error("a fleet section without a snapshot")
	}
	d, doc := dossiertest.Build(t, dossiertest.Options{Fleet: fleetSnapshot(t)})
	var ids []string
	for _, s := range doc.Sections {
		ids = append(ids, s.ID)
	}
	if i, j := slices.Index(ids, "fleet"), slices.Index(ids, "waivers"); i < 0 || i+1 != j {
		t.Fatalf("sections %v: want fleet right before the appendix", ids)
	}
	sec := findSection(doc.Sections, "fleet")
	var cells, paras []string
	anchors := map[string]bool{}
	dossiertest.Walk(doc.Sections, func(s document.Section, b document.Block) {
		if b == nil {
			anchors[s.ID] = true
		}
		if t, ok := b.(document.Table); ok {
			for _, r := range t.Rows {
				anchors[r.ID] = true
			}
		}
	})
	dossiertest.Walk([]document.Section{*sec}, func(s document.Section, b document.Block) {
		switch x := b.(type) {
		case document.Table:
			for _, r := range x.Rows {
				var row []string
				for _, c := range r.Cells {
					row = append(row, c.Text.Plain())
				}
				cells = append(cells, strings.Join(row, " | "))
			}
		case document.Paragraph:
			paras = append(paras, x.Text.Plain())
			for _, sp := range x.Text {
				if sp.Kind == document.Link && strings.HasPrefix(sp.Href, "#") && !anchors[sp.Href[1:]] {
					t.Errorf("fleet section links to %s, which is not in the document", sp.Href)
				}
			}
		case document.KeyValue:
			for _, p := range x.Rows {
				paras = append(paras, p.Key+": "+p.Value.Plain())
			}
		}
	})
	all := strings.Join(append(cells, paras...), "\n")
	for _, want := range []string{
		"1.0.1 | 3 | 4 | 1 (25.0%) | 2 (50.0%) | 1 (25.0%) | 0 (0.0%) | CVE-2024-2511",
		"1.1.0 | 7 | 8 | 7 (87.5%) | 0 (0.0%) | 0 (0.0%) | 1 (12.5%) | not judged",
		"rollout-1.1.0 | 1.1.0 | 8 | 7 (87.5%)",
		"bad signature (did not verify against the unit's registered key) | 1",
		"replay (counter not increasing) | 2",
		"total | 3",
		"Reporting units: 10 (83.3% of the registered)",
		"Support period: 10 in support, 1 past its end, 1 without a placed-on-market record",
		"Open vulnerabilities: 3 units run a release with open vulnerabilities; 7 run a release no bundle judged",
		"hardware ID other than the registry's | 0",
		"Units past the end of their support period (1): TH-0001",
		"Units without a placed-on-market record (support not evaluated) (1): TH-0012",
		"Units silent for more than 14 days (2): TH-0011, TH-0012",
		"fleet/support-period fail",
		"fleet/status-recorded pass",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("fleet section lacks %q:\n%s", want, all)
		}
	}
	if len(d.Notes) != 0 {
		t.Errorf("notes: %v", d.Notes)
	}

	// The three layouts show the same numbers and every listed unit.
	outs := layouttext.Visible(t, d, doc)
	for name, out := range outs {
		for _, want := range []string{dossierdoc.FleetTitle, "Fleet unit lists", "TH-0001", "TH-0011", "CVE-2024-2511", "7 (87.5%)", "rollout-1.0.1"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
	}
}
