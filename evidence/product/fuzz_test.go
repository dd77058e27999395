package product

import (
	"strings"
	"testing"
)

func FuzzParseInputs(f *testing.F) {
	f.Add([]byte("manufacturer: {name: M}\nproduct: {id: p, name: P}\n"))
	f.Add([]byte("version: '1'\nrollback_counter: 1\nhardware_ids: [a]\nupdate_type: security\nvalidity: 30d\n"))
	f.Add([]byte("declarations:\n  - control: declare/x\n    status: implemented\n    evidence: [../etc/passwd]\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Add([]byte("a: &a ['lol','lol']\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		// None of these may panic, whatever the bytes.
		ParseProduct(b)
		ParseRelease(b)
		if a, err := ParseAnswers(b); err == nil {
			for _, e := range a.EvidenceFiles() {
				if !LocalPath(e) || strings.HasPrefix(e, "../") {
					t.Fatalf("accepted evidence path %q leaves its folder", e)
				}
			}
		}
	})
}

func TestAliasBombIsRejected(t *testing.T) {
	bomb := "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		bomb += n + ": &" + n + " [" + strings.Repeat("*"+prev+",", 8) + "*" + prev + "]\n"
		prev = n
	}
	var v any
	if err := DecodeYAML([]byte(bomb), &v); err == nil {
		t.Fatal("billion-laughs YAML decoded without error")
	}
}

func TestStrictDecoding(t *testing.T) {
	tests := []struct {
		name, in string
		parse    func([]byte) error
	}{
		{"unknown key", "version: '1'\nrollback_counter: 1\nhardware_ids: [a]\nupdate_type: security\nvalidity: 30d\nbogus: 1\n", func(b []byte) error { _, err := ParseRelease(b); return err }},
		{"bad update type", "version: '1'\nrollback_counter: 1\nhardware_ids: [a]\nupdate_type: urgent\nvalidity: 30d\n", func(b []byte) error { _, err := ParseRelease(b); return err }},
		{"missing counter", "version: '1'\nhardware_ids: [a]\nupdate_type: security\nvalidity: 30d\n", func(b []byte) error { _, err := ParseRelease(b); return err }},
		{"evidence escapes", "declarations:\n  - control: declare/x\n    evidence: [../x]\n", func(b []byte) error { _, err := ParseAnswers(b); return err }},
		{"two documents", "manufacturer: {name: M}\nproduct: {id: p, name: P}\n---\na: 1\n", func(b []byte) error { _, err := ParseProduct(b); return err }},
		{"empty", "", func(b []byte) error { _, err := ParseProduct(b); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.parse([]byte(tc.in)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
