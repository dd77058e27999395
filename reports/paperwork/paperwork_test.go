package paperwork

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/fixtures/minibundle"
	"github.com/craudit/craudit/reports/conformity"
	"github.com/craudit/craudit/reports/internal/dossiertest"
)

var aware = time.Date(2026, 5, 30, 9, 0, 0, 0, time.UTC)

func draft(t *testing.T, o NotifyOptions) *Draft {
	t.Helper()
	r := dossiertest.Judge(t, dossiertest.Options{})
	o.AwareAt, o.Now, o.Tool = aware, minibundle.At, checks.Tool{Name: "craudit", Version: "test"}
	d, err := BuildDraft(r.Input, o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestEarlyWarningDraft(t *testing.T) {
	d := draft(t, NotifyOptions{Vulnerability: "CVE-2023-42363", Kind: EarlyWarning})
	if !d.Draft || d.Sent || !strings.Contains(d.Notice, "Nothing was sent") {
		t.Errorf("draft %v sent %v notice %q", d.Draft, d.Sent, d.Notice)
	}
	if want := aware.Add(24 * time.Hour); !d.Deadline.At.Equal(want) || d.Deadline.Article != "CRA Art. 14(2)(a)" {
		t.Errorf("deadline %+v", d.Deadline)
	}
	if d.Recipient.MemberState != "DE" || !strings.Contains(d.Recipient.CSIRT, "BSI") || d.Recipient.Verified || !strings.Contains(d.Recipient.Note, "unverified") {
		t.Errorf("recipient %+v", d.Recipient)
	}
	if len(d.Affected) != 1 || d.Affected[0].VEXStatus != "not_affected" || d.Aliases[0] != "ALPINE-CVE-2023-42363" {
		t.Errorf("affected %+v aliases %v", d.Affected, d.Aliases)
	}
	// The test bundle carries no known-exploited catalogue: unknown, never "not exploited".
	if d.Exploited.Status != ExploitUnknown {
		t.Errorf("exploited %+v", d.Exploited)
	}
	var ms bool
	for _, it := range d.Items {
		ms = ms || (it.Point == "member states" && it.Source == ToComplete)
	}
	if !ms {
		t.Errorf("items %+v: the member states where the product is available are for the manufacturer to complete", d.Items)
	}
	var back Draft
	if err := json.Unmarshal(d.JSON(), &back); err != nil || back.Deadline.Article != d.Deadline.Article {
		t.Errorf("JSON round trip: %v", err)
	}
	md := string(d.Markdown())
	for _, w := range []string{"# DRAFT", "Nothing was sent", "2026-05-31T09:00:00Z", "TO COMPLETE", "single reporting platform"} {
		if !strings.Contains(md, w) {
			t.Errorf("Markdown lacks %q:\n%s", w, md)
		}
	}
	if d.FileBase() != "art14-CVE-2023-42363-early-warning" {
		t.Errorf("file base %q", d.FileBase())
	}
}

// The final report of a vulnerability the release fixes is due 14 days
// after the release date (the signed manifest's timestamp).
func TestFinalReportFourteenDaysAfterTheFix(t *testing.T) {
	r := dossiertest.Judge(t, dossiertest.Options{})
	m, err := r.Input.VerifiedManifest()
	if err != nil {
		t.Fatal(err)
	}
	d, err := BuildDraft(r.Input, NotifyOptions{Vulnerability: "CVE-2023-42366", Kind: FinalReport, AwareAt: aware, Now: minibundle.At})
	if err != nil {
		t.Fatal(err)
	}
	if want := m.Timestamp.AddDate(0, 0, 14); !d.Deadline.At.Equal(want) || !strings.Contains(d.Deadline.Basis, "signed device manifest") {
		t.Errorf("deadline %+v, want %s", d.Deadline, want)
	}
	// Not fixed by this release: no deadline can be computed, and it says why.
	d, err = BuildDraft(r.Input, NotifyOptions{Vulnerability: "GHSA-test-0002", Kind: FinalReport, AwareAt: aware, Now: minibundle.At})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Deadline.At.IsZero() || !strings.Contains(d.Deadline.Basis, "still carries") {
		t.Errorf("deadline %+v", d.Deadline)
	}
}

func TestIncidentDrafts(t *testing.T) {
	d := draft(t, NotifyOptions{Kind: FinalReport, Incident: true})
	if want := aware.Add(72*time.Hour).AddDate(0, 1, 0); !d.Deadline.At.Equal(want) || d.Deadline.Article != "CRA Art. 14(4)(c)" {
		t.Errorf("deadline %+v, want %s", d.Deadline, want)
	}
	d = draft(t, NotifyOptions{Kind: EarlyWarning, Incident: true})
	var malicious bool
	for _, it := range d.Items {
		malicious = malicious || strings.Contains(it.Asks, "unlawful or malicious")
	}
	if !malicious || d.FileBase() != "art14-incident-early-warning" {
		t.Errorf("items %+v base %q", d.Items, d.FileBase())
	}
	r := dossiertest.Judge(t, dossiertest.Options{})
	if _, err := BuildDraft(r.Input, NotifyOptions{Kind: EarlyWarning, AwareAt: aware}); err != ErrVulnerabilityRequired {
		t.Errorf("err = %v", err)
	}
}

func TestDeclarationShowsMissingFields(t *testing.T) {
	p := &product.Product{}
	p.Manufacturer.Name = "Acme"
	p.Product.Name, p.Product.Model = "T1", "T1"
	doc, missing := conformity.Declaration(conformity.DeclarationInput{Product: p, Issued: minibundle.At})
	want := []string{"manufacturer.address", "declaration.place", "declaration.signatory.name", "declaration.signatory.function"}
	for _, w := range want {
		found := false
		for _, m := range missing {
			found = found || m == w
		}
		if !found {
			t.Errorf("missing %v lacks %s", missing, w)
		}
	}
	files, err := layouts(doc, minibundle.At, "Acme", checks.Tool{Name: "craudit"}, DeclarationBase, true)
	if err != nil {
		t.Fatal(err)
	}
	md := string(files[DeclarationBase+".md"])
	if !strings.Contains(md, "**MISSING** (product.yaml: manufacturer.address)") || !strings.Contains(md, "sole responsibility") {
		t.Errorf("declaration:\n%s", md)
	}
	if !strings.HasPrefix(string(files[DeclarationBase+".pdf"]), "%PDF-") {
		t.Error("no PDF")
	}
	_, missing = conformity.Declaration(conformity.DeclarationInput{Product: p, Simplified: true})
	if len(missing) != 1 || missing[0] != "declaration_of_conformity_url" {
		t.Errorf("simplified missing %v", missing)
	}
}

func TestDemoDeclarationAndUserInformationComplete(t *testing.T) {
	r := dossiertest.Judge(t, dossiertest.Options{})
	files, missing, err := DeclarationFiles(r.Input, false, minibundle.At, checks.Tool{Name: "craudit", Version: "test"})
	if err != nil || len(missing) != 0 {
		t.Fatalf("missing %v err %v", missing, err)
	}
	md := string(files[DeclarationBase+".md"])
	for _, w := range []string{"Thermo Demo GmbH", "Musterstrasse 1", "Erika Beispiel", "2026-06-01", "ETSI EN 303 645", "Regulation (EU) 2024/2847"} {
		if !strings.Contains(md, w) {
			t.Errorf("declaration lacks %q", w)
		}
	}
	files, missing, err = UserInfoFiles(r.Input, minibundle.At)
	if err != nil || len(missing) != 0 {
		t.Fatalf("missing %v err %v", missing, err)
	}
	md = string(files[UserInfoBase+".md"])
	for i, w := range []string{"1. Manufacturer", "2. Single point", "3. Product", "4. Intended", "5. Foreseeable", "6. EU declaration", "7. Technical security support", "8. Instructions", "9. Software bill",
		"March 2031", "September 2031", "install automatically at night", "Three months before"} {
		if !strings.Contains(md, w) {
			t.Errorf("%d: user information lacks %q", i, w)
		}
	}
}
