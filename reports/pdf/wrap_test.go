package pdf

import (
	"strings"
	"testing"
)

// TestWrapNoMidTokenBreak: a line ends at a space or right after one of
// the separators / . - _, never inside a word; a token with no separator
// that fits nowhere stays whole.
func TestWrapNoMidTokenBreak(t *testing.T) {
	measure := func(r run) float64 { return float64(len(r.s)) } // one unit a byte
	for _, tc := range []struct {
		name string
		in   string
		w    float64
		want []string
	}{
		{"words", "the quick brown fox", 10, []string{"the quick", "brown fox"}},
		{"path", "evidence/bundle/provenance/thermostat-fw-1.0.1.intoto.jsonl", 20,
			[]string{"evidence/bundle/", "provenance/", "thermostat-fw-1.0.1.", "intoto.jsonl"}},
		{"hash stays whole", "SHA-256 84c4a9c7a4d9370f2d3c9d85e96a97c8", 16, []string{"SHA-256", "84c4a9c7a4d9370f2d3c9d85e96a97c8"}},
		{"underscore", "x86_64&distro=alpine", 6, []string{"x86_", "64&distro=alpine"}},
		{"newline", "a\nb c", 10, []string{"a", "b c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, l := range wrap([]run{{s: tc.in}}, tc.w, measure) {
				var b strings.Builder
				for _, p := range l {
					b.WriteString(p.s)
				}
				got = append(got, b.String())
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("wrap(%q, %v) = %q, want %q", tc.in, tc.w, got, tc.want)
			}
		})
	}
}

// FuzzWrap: whatever the text, wrapping loses no byte but spaces, and a
// line break inside a word falls right after a separator.
func FuzzWrap(f *testing.F) {
	f.Add("evidence/bundle/sbom.cdx.json pkg:apk/alpine/busybox@1.36.1-r16?arch=x86_64", 12.0)
	f.Add(strings.Repeat("a", 100)+" b-c_d.e/f", 3.0)
	f.Fuzz(func(t *testing.T, s string, w float64) {
		if w < 1 || w > 1000 || len(s) > 2000 || strings.ContainsAny(s, "\n") {
			return
		}
		measure := func(r run) float64 { return float64(len(r.s)) }
		lines := wrap([]run{{s: s}}, w, measure)
		pos := 0
		for i, l := range lines {
			var b strings.Builder
			for _, p := range l {
				b.WriteString(p.s)
			}
			line := strings.TrimRight(b.String(), " ")
			for pos < len(s) && s[pos] == ' ' && !strings.HasPrefix(s[pos:], line) {
				pos++
			}
			if !strings.HasPrefix(s[pos:], line) {
				t.Fatalf("line %d %q is not the next text of %q (at %d)", i, line, s, pos)
			}
			pos += len(line)
			if i+1 < len(lines) && line != "" && pos < len(s) && s[pos] != ' ' && strings.IndexByte(seps, line[len(line)-1]) < 0 {
				t.Fatalf("line %d %q breaks inside a word of %q", i, line, s)
			}
		}
		if strings.TrimSpace(s[pos:]) != "" {
			t.Fatalf("wrapping lost %q of %q", s[pos:], s)
		}
	})
}
