package dossier

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCheckSums feeds arbitrary SHA256SUMS text to the dossier verifier
// over a folder with one file: no panic, nothing outside the folder is
// opened, and a listed file that exists is counted once.
func FuzzCheckSums(f *testing.F) {
	f.Add([]byte("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae  results.json\n"))
	f.Add([]byte("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae  ../../etc/passwd\n"))
	f.Add([]byte("x  results.json\nresults.json\n\n  \x00\xff\n"))
	f.Add([]byte(strings.Repeat("a", 70000)))
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "results.json"), []byte("foo"), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sums []byte) {
		v := &Verification{}
		listed := checkSums(v, dir, sums)
		for rel := range listed {
			if !filepath.IsLocal(filepath.FromSlash(rel)) {
				t.Fatalf("accepted a path leaving the dossier: %q", rel)
			}
		}
		if v.Files != len(listed) {
			t.Fatalf("counted %d files, listed %d", v.Files, len(listed))
		}
	})
}
