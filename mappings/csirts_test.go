package mappings

import (
	"slices"
	"strings"
	"testing"
)

// The 27 member states of the Union, ISO 3166-1 alpha-2.
var memberStates = strings.Fields("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK")

func TestCSIRTTableCoversTheMemberStates(t *testing.T) {
	tab, err := CSIRTs()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range tab.Entries {
		got = append(got, e.MemberState)
	}
	slices.Sort(got)
	if !slices.Equal(got, memberStates) {
		t.Errorf("member states %v, want the 27: %v", got, memberStates)
	}
	if !strings.Contains(tab.Source, "CSIRTs network") || tab.Retrieved == "" {
		t.Errorf("source %q retrieved %q: want the ENISA CSIRTs network list and a date", tab.Source, tab.Retrieved)
	}
	de, ok := tab.CSIRTFor("DE")
	if !ok || !strings.Contains(de.Name, "BSI") {
		t.Errorf("DE: %+v %v", de, ok)
	}
	if gr, ok := tab.CSIRTFor("EL"); !ok || gr.MemberState != "GR" {
		t.Errorf("EL: %+v %v", gr, ok)
	}
	if _, ok := tab.CSIRTFor("US"); ok {
		t.Error("US found")
	}
}

func TestCSIRTTableRejectsDuplicates(t *testing.T) {
	_, err := parseCSIRTs([]byte("edition: x\nsource: y\nretrieved: z\nentries:\n  - {member_state: DE, country: G, csirt: A}\n  - {member_state: DE, country: G, csirt: B}\n"))
	if err == nil || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("err = %v", err)
	}
}
