package primary

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/fixtures/shared"
)

// unpack extracts the vectors archive into dir (regular files and folders
// only, local paths only).
func unpack(t testing.TB, archive, dir string) {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.FromSlash(strings.TrimPrefix(h.Name, "./"))
		if name == "" || name == "." {
			continue
		}
		if !filepath.IsLocal(name) {
			t.Fatalf("archive entry %q leaves the folder", h.Name)
		}
		p := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			out, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(out, tr); err != nil {
				t.Fatal(err)
			}
			out.Close()
		}
	}
}

type vecResult struct {
	IsSuccess bool   `json:"is_success"`
	Err       string `json:"err"`
}

type vecRepo struct {
	Update  vecResult            `json:"update"`
	Targets map[string]vecResult `json:"targets"`
}

type vector struct {
	Doc   string `json:"doc"`
	Steps []struct {
		Director vecRepo `json:"director"`
		Image    vecRepo `json:"image_repo"`
	} `json:"steps"`
}

// vectorTime is when the vectors were generated (2026-12-01); their good
// metadata expires in 2038, the expired ones before.
var vectorTime = time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)

// equivalent lists where this verifier names a refusal differently from
// aktualizr's vocabulary, each for a reason given in docs/uptane.md.
var equivalent = map[Class][]Class{
	// A rotated root not signed by the new (or old) root's keys: aktualizr
	// says BadKeyId, the threshold of valid signatures is what is unmet.
	ClassUnmetThreshold: {"BadKeyId"},
	// A file over its size limit: aktualizr reports it on the target.
	ClassFetchFailure: {"MetadataFetchFailure"},
}

func classMatches(got Class, want string) bool {
	want, _, _ = strings.Cut(want, "::")
	if string(got) == want {
		return true
	}
	for _, e := range equivalent[got] {
		if string(e) == want {
			equivalenceUses[string(got)+" for "+want]++
			return true
		}
	}
	return false
}

// equivalenceUses counts the steps judged through the equivalence table.
var equivalenceUses = map[string]int{}

func repoMatches(what string, got RepoOutcome, want vecResult) string {
	switch {
	case want.IsSuccess && !got.OK:
		return fmt.Sprintf("%s: refused (%v), expected success", what, got.Err)
	case !want.IsSuccess && got.OK:
		return fmt.Sprintf("%s: accepted, expected %s", what, want.Err)
	case !want.IsSuccess && got.Err != nil && !classMatches(got.Err.Class, want.Err):
		return fmt.Sprintf("%s: refused as %s (%v), expected %s", what, got.Err.Class, got.Err, want.Err)
	}
	return ""
}

// compare returns "" when the outcome is what the vector expects.
func compare(o *Outcome, d, i vecRepo) string {
	if m := repoMatches("director", o.Director, d.Update); m != "" {
		// A Director file over its limit is reported by aktualizr on the
		// target, with the update itself succeeding.
		if !(o.Director.Err != nil && o.Director.Err.Class == ClassFetchFailure && targetErr(d, i) == "MetadataFetchFailure") {
			return m
		}
		return ""
	}
	if m := repoMatches("image", o.Image, i.Update); m != "" {
		if !(o.Image.Err != nil && o.Image.Err.Class == ClassFetchFailure && targetErr(d, i) == "MetadataFetchFailure") {
			return m
		}
		return ""
	}
	if !d.Update.IsSuccess || !i.Update.IsSuccess {
		return ""
	}
	want := targetErr(d, i)
	var names []string
	for _, t := range o.Targets {
		names = append(names, t.Name)
		switch {
		case want == "" && !t.OK:
			return fmt.Sprintf("target %s refused (%v), expected success", t.Name, t.Err)
		case want != "" && t.OK:
			return fmt.Sprintf("target %s accepted, expected %s", t.Name, want)
		case want != "" && t.Err != nil && !targetClassMatches(t.Err.Class, d, i):
			return fmt.Sprintf("target %s refused as %s (%v), expected %s", t.Name, t.Err.Class, t.Err, want)
		}
	}
	if len(d.Targets) > 0 && len(o.Targets) == 0 {
		return "no target judged"
	}
	_ = names
	return ""
}

func targetErr(d, i vecRepo) string {
	for _, r := range []vecRepo{d, i} {
		for _, n := range sortedKeys(r.Targets) {
			if !r.Targets[n].IsSuccess {
				e, _, _ := strings.Cut(r.Targets[n].Err, "::")
				return e
			}
		}
	}
	return ""
}

func targetClassMatches(c Class, d, i vecRepo) bool {
	for _, r := range []vecRepo{d, i} {
		for _, v := range r.Targets {
			if !v.IsSuccess && classMatches(c, v.Err) {
				return true
			}
		}
	}
	// An image longer or other than listed: aktualizr calls it
	// TargetMismatch when the two repositories disagree about it.
	return false
}

func TestVectors(t *testing.T) {
	archive := filepath.Join(shared.Testdata(t, "uptane"), "tuf-test-vectors.tar.gz")
	dir := t.TempDir()
	unpack(t, archive, dir)
	b, err := os.ReadFile(filepath.Join(dir, "expectations.json"))
	if err != nil {
		t.Fatal(err)
	}
	var exp map[string]vector
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatal(err)
	}
	names := sortedKeys(exp)
	for _, dialect := range []string{"vectors-olpc-hex", "vectors-akt"} {
		passed, steps := 0, 0
		var fails []string
		for _, name := range names {
			v := exp[name]
			base := filepath.Join(dir, dialect, name)
			dTrust, err1 := os.ReadFile(filepath.Join(base, "0", "director", "1.root.json"))
			iTrust, err2 := os.ReadFile(filepath.Join(base, "0", "image_repo", "1.root.json"))
			if err1 != nil || err2 != nil {
				t.Fatalf("%s/%s: no initial roots: %v %v", dialect, name, err1, err2)
			}
			var st *State
			ok := true
			for i, s := range v.Steps {
				steps++
				stepDir := filepath.Join(base, fmt.Sprint(i))
				o, err := Verify(Config{
					Director: DirSource{Dir: filepath.Join(stepDir, "director")}, Image: DirSource{Dir: filepath.Join(stepDir, "image_repo")},
					DirectorTrust: dTrust, ImageTrust: iTrust,
					ECUs:          []ECU{{Serial: "test_primary_ecu_serial", HardwareID: "test_primary_hardware_id"}},
					ReferenceTime: vectorTime, State: st, FetchTargets: true,
				})
				if err != nil {
					t.Fatalf("%s/%s step %d: %v", dialect, name, i, err)
				}
				if m := compare(o, s.Director, s.Image); m != "" {
					fails = append(fails, fmt.Sprintf("%s step %d: %s", name, i, m))
					ok = false
					break
				}
				st = o.State
			}
			if ok {
				passed++
			}
		}
		sort.Strings(fails)
		for _, f := range fails {
			t.Errorf("%s: %s", dialect, f)
		}
		t.Logf("%s: %d/%d vectors as expected (%d steps); classes named differently from aktualizr: %v", dialect, passed, len(names), steps, equivalenceUses)
		if passed != len(names) {
			t.Errorf("%s: %d/%d vectors", dialect, passed, len(names))
		}
		equivalenceUses = map[string]int{}
	}
}
