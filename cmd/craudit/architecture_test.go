package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/craudit/craudit/fixtures/shared"
)

// The rules of docs/architecture.md, checked on the module's real import
// graph (go list) by TestArchitecture and on small made-up graphs by
// TestArchitectureRules.

const module = "github.com/craudit/craudit"

// maxPackageLines bounds the non-test Go of one package.
const maxPackageLines = 1500

// oversized are packages over the bound that are to be split, each with
// the size it may not grow beyond. An entry whose package is back under the
// bound fails the test until it is removed.
var oversized = map[string]int{}

// pkgInfo is what the rules need to know about one package.
type pkgInfo struct {
	Path    string   // relative to the module: "evidence/bundle"
	Imports []string // module packages only, relative
	Lines   int      // lines of non-test Go
	Doc     string   // package comment synopsis
}

// under reports whether rel is area or inside it.
func under(rel, area string) bool { return rel == area || strings.HasPrefix(rel, area+"/") }

// architectureViolations applies the layering and size rules.
func architectureViolations(pkgs []pkgInfo, oversized map[string]int) []string {
	var out []string
	bad := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	for _, p := range pkgs {
		for _, imp := range p.Imports {
			switch {
			case under(p.Path, "evidence") && (under(imp, "checks") || under(imp, "reports")):
				bad("%s imports %s: evidence never imports checks or reports", p.Path, imp)
			case under(p.Path, "checks") && under(imp, "reports"):
				bad("%s imports %s: checks never imports reports", p.Path, imp)
			case under(p.Path, "mappings") && !under(imp, "mappings"):
				bad("%s imports %s: mappings imports nothing of the project", p.Path, imp)
			case !under(p.Path, "cmd") && under(imp, "cmd"):
				bad("%s imports %s: no library package imports cmd", p.Path, imp)
			case under(imp, "fixtures") && !under(p.Path, "fixtures") && !under(p.Path, "cmd") && !strings.HasSuffix(p.Path, "test"):
				bad("%s imports %s: only cmd and test helpers use fixtures", p.Path, imp)
			}
		}
		if p.Doc == "" {
			bad("%s has no package comment (doc.go)", p.Path)
		}
		limit, known := oversized[p.Path]
		switch {
		case known && p.Lines <= maxPackageLines:
			bad("%s is %d lines now, under %d: remove it from the oversized list", p.Path, p.Lines, maxPackageLines)
		case known && p.Lines > limit:
			bad("%s grew to %d lines of non-test Go (over the %d limit, and over the %d it was allowed while being split)", p.Path, p.Lines, maxPackageLines, limit)
		case !known && p.Lines > maxPackageLines:
			bad("%s has %d lines of non-test Go, over %d", p.Path, p.Lines, maxPackageLines)
		}
	}
	for path := range oversized {
		if !slices.ContainsFunc(pkgs, func(p pkgInfo) bool { return p.Path == path }) {
			bad("%s is in the oversized list but is no package: remove it", path)
		}
	}
	slices.Sort(out)
	return out
}

// listPackages runs go list over the module and counts each package's lines.
func listPackages(t *testing.T, root string) []pkgInfo {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkgInfo
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath, Dir, Doc string
			GoFiles, CgoFiles    []string
			Imports              []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		info := pkgInfo{Path: strings.TrimPrefix(p.ImportPath, module+"/"), Doc: p.Doc}
		for _, imp := range p.Imports {
			if imp == module || strings.HasPrefix(imp, module+"/") {
				info.Imports = append(info.Imports, strings.TrimPrefix(imp, module+"/"))
			}
		}
		for _, f := range append(p.GoFiles, p.CgoFiles...) {
			info.Lines += countLines(t, filepath.Join(p.Dir, f))
		}
		pkgs = append(pkgs, info)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

func countLines(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<20)
	for s.Scan() {
		n++
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestArchitecture(t *testing.T) {
	root, ok := shared.ModuleRoot()
	if !ok {
		t.Fatal("no go.mod above the working directory")
	}
	pkgs := listPackages(t, root)
	for _, v := range architectureViolations(pkgs, oversized) {
		t.Error(v)
	}
	// docs/architecture.md says what every package owns.
	doc, err := os.ReadFile(filepath.Join(root, "docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		if !bytes.Contains(doc, []byte("`"+p.Path+"`")) {
			t.Errorf("docs/architecture.md does not list package %s", p.Path)
		}
	}
	// The rules saw the layers they are about.
	for _, area := range []string{"evidence", "checks", "reports", "cmd"} {
		if !slices.ContainsFunc(pkgs, func(p pkgInfo) bool { return under(p.Path, area) && len(p.Imports) > 0 }) {
			t.Errorf("no package of %s/ with project imports: is go list reading the module?", area)
		}
	}
}

func TestArchitectureRules(t *testing.T) {
	ok := func(path string, imports ...string) pkgInfo {
		return pkgInfo{Path: path, Imports: imports, Lines: 100, Doc: "Package x does x."}
	}
	tests := []struct {
		name string
		pkgs []pkgInfo
		size map[string]int
		want []string // substrings, one per violation, in sorted order
	}{
		{"clean", []pkgInfo{ok("evidence/bundle", "evidence/keys"), ok("checks/x", "evidence/bundle", "mappings"),
			ok("reports/html", "checks", "evidence/bundle", "mappings"), ok("mappings"), ok("cmd/craudit", "cmd/craudit/internal/cli", "reports")}, nil, nil},
		{"evidence imports checks", []pkgInfo{ok("evidence/starter", "checks/declare")}, nil,
			[]string{"evidence/starter imports checks/declare: evidence never imports checks or reports"}},
		{"evidence imports reports", []pkgInfo{ok("evidence", "reports/text")}, nil, []string{"evidence never imports"}},
		{"checks imports reports", []pkgInfo{ok("checks/sbomcheck", "reports")}, nil, []string{"checks never imports reports"}},
		{"mappings imports the project", []pkgInfo{ok("mappings", "evidence/keys")}, nil, []string{"mappings imports nothing"}},
		{"library imports cmd", []pkgInfo{ok("reports/pdf", "cmd/craudit/internal/cli")}, nil, []string{"no library package imports cmd"}},
		{"cmd may import cmd", []pkgInfo{ok("cmd/craudit/internal/harness", "cmd/craudit/internal/cli")}, nil, nil},
		{"library imports fixtures", []pkgInfo{ok("reports/pdf", "fixtures/minibundle")}, nil, []string{"only cmd and test helpers use fixtures"}},
		{"test helper and cmd import fixtures", []pkgInfo{ok("reports/internal/dossiertest", "fixtures/minibundle"), ok("cmd/craudit", "fixtures/demo"),
			ok("fixtures/demo", "fixtures/thermostat", "checks/judge")}, nil, nil},
		{"a prefix is not a folder", []pkgInfo{ok("evidencex", "checksum"), ok("checkstyle", "reportsx")}, nil, nil},
		{"no package comment", []pkgInfo{{Path: "evidence/x", Lines: 10}}, nil, []string{"evidence/x has no package comment"}},
		{"too big", []pkgInfo{{Path: "checks/big", Lines: 1501, Doc: "d"}}, nil, []string{"checks/big has 1501 lines"}},
		{"exactly the limit", []pkgInfo{{Path: "checks/big", Lines: 1500, Doc: "d"}}, nil, nil},
		{"allowed while split", []pkgInfo{{Path: "checks/big", Lines: 1600, Doc: "d"}}, map[string]int{"checks/big": 1600}, nil},
		{"grew while split", []pkgInfo{{Path: "checks/big", Lines: 1601, Doc: "d"}}, map[string]int{"checks/big": 1600}, []string{"checks/big grew to 1601"}},
		{"split done: remove the entry", []pkgInfo{{Path: "checks/big", Lines: 900, Doc: "d"}}, map[string]int{"checks/big": 1600}, []string{"remove it from the oversized list"}},
		{"stale entry", []pkgInfo{ok("checks")}, map[string]int{"checks/gone": 2000}, []string{"checks/gone is in the oversized list but is no package"}},
		{"several", []pkgInfo{ok("mappings", "checks"), ok("checks", "reports")}, nil,
			[]string{"checks imports reports", "mappings imports checks"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := architectureViolations(tc.pkgs, tc.size)
			if len(got) != len(tc.want) {
				t.Fatalf("violations %q, want %d like %q", got, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("violation %q lacks %q", got[i], w)
				}
			}
		})
	}
}
