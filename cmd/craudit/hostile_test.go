package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/fixtures/thermostat"
)

// releaseInputs are valid inputs of `craudit bundle`, written once per test:
// a root key, a vendor key certified by it, product.yaml, release.yaml and a
// small opaque artefact.
type releaseInputs struct {
	dir, product, release, artefact, key, cert, root string
}

func newReleaseInputs(t *testing.T) *releaseInputs {
	t.Helper()
	dir := t.TempDir()
	in := &releaseInputs{
		dir:      dir,
		product:  filepath.Join(dir, "product.yaml"),
		release:  filepath.Join(dir, "release.yaml"),
		artefact: filepath.Join(dir, "firmware.bin"),
		key:      filepath.Join(dir, "vendor.key"),
		cert:     filepath.Join(dir, "vendor.cert.json"),
		root:     filepath.Join(dir, "root.pub"),
	}
	rel := thermostat.Releases[len(thermostat.Releases)-1]
	write(t, in.product, thermostat.ProductYAML())
	write(t, in.release, thermostat.ReleaseYAML(rel))
	write(t, in.artefact, []byte("\x7fopaque firmware image\x00\x01"))
	for _, a := range [][]string{
		{"keys", "generate", "--out", dir, "--name", "root"},
		{"keys", "generate", "--out", dir, "--name", "vendor"},
		{"keys", "certify", "--root-key", filepath.Join(dir, "root.key"), "--subject", filepath.Join(dir, "vendor.pub"),
			"--scope", "thermo-demo-st100", "--out", in.cert},
	} {
		if code, _, stderr := craudit(t, a...); code != 0 {
			t.Fatalf("%v: exit %d: %s", a, code, stderr)
		}
	}
	return in
}

func write(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// bundleArgs are the arguments of a bundle run writing to out, with
// replacements applied (flag -> value; "" drops the flag).
func (in *releaseInputs) bundleArgs(out string, set map[string]string, extra ...string) []string {
	flags := [][2]string{{"--product", in.product}, {"--release", in.release}, {"--artefact", in.artefact},
		{"--signing-key", in.key}, {"--key-cert", in.cert}, {"--out", out}}
	args := []string{"bundle"}
	for _, f := range flags {
		v := f[1]
		if r, ok := set[f[0]]; ok {
			v = r
		}
		if v != "" {
			args = append(args, f[0], v)
		}
	}
	return append(args, extra...)
}

// hostileYAML are documents a YAML reader must refuse without harm.
func hostileYAML(valid []byte) map[string][]byte {
	bomb := "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		bomb += n + ": &" + n + " [" + strings.Repeat("*"+prev+",", 8) + "*" + prev + "]\n"
		prev = n
	}
	return map[string][]byte{
		"truncated":      append(append([]byte{}, valid[:len(valid)/2]...), "\nhardware_ids: [\"a\", \"b"...),
		"wrong type":     []byte("manufacturer: [1, 2, 3]\nproduct: 7\nversion: {a: b}\n"),
		"huge":           append([]byte("# "), bytes.Repeat([]byte("x"), 2<<20)...),
		"deeply nested":  []byte(strings.Repeat("[", 100000) + strings.Repeat("]", 100000)),
		"invalid UTF-8":  append(append([]byte{}, valid...), []byte("\nextra: \"\xff\xfe\xc0\"\n")...),
		"alias bomb":     []byte(bomb),
		"binary garbage": {0x00, 0xff, 0x7f, 0x80, 0x1b, '[', '{'},
		"empty":          {},
	}
}

// stagingLeft lists what a failed producing command left beside out: the
// output itself or a staging folder (.NAME.tmp-*).
func stagingLeft(t *testing.T, out string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	base := filepath.Base(out)
	for _, e := range ents {
		if e.Name() == base || strings.HasPrefix(e.Name(), "."+base+".") {
			left = append(left, e.Name())
		}
	}
	return left
}

func wantOneLine(t *testing.T, what, stderr string) {
	t.Helper()
	s := strings.TrimRight(stderr, "\n")
	if s == "" || strings.Contains(s, "\n") {
		t.Errorf("%s: want exactly one line on stderr, got %q", what, stderr)
	}
	if strings.Contains(s, "panic") || strings.Contains(s, "goroutine ") {
		t.Errorf("%s: stderr shows a panic: %s", what, s)
	}
}

// TestBundleRefusesHostileInputs: `bundle` is a producing command, so every
// malformed or hostile input is exit 2, one line, and nothing at --out.
func TestBundleRefusesHostileInputs(t *testing.T) {
	in := newReleaseInputs(t)
	outDir := t.TempDir()
	type tc struct {
		name  string
		set   map[string]string
		extra []string
	}
	var cases []tc
	for _, which := range []struct{ flag, valid string }{{"--product", in.product}, {"--release", in.release}} {
		valid, err := os.ReadFile(which.valid)
		if err != nil {
			t.Fatal(err)
		}
		for name, body := range hostileYAML(valid) {
			p := filepath.Join(in.dir, "hostile", strings.TrimPrefix(which.flag, "--")+"-"+strings.ReplaceAll(name, " ", "-")+".yaml")
			write(t, p, body)
			cases = append(cases, tc{name: which.flag + " " + name, set: map[string]string{which.flag: p}})
		}
	}
	ans := filepath.Join(in.dir, "hostile", "answers-bomb.yaml")
	write(t, ans, hostileYAML(nil)["alias bomb"])
	cases = append(cases, tc{name: "--answers alias bomb", extra: []string{"--answers", ans}})
	// A symlinked artefact, a folder, a FIFO-like special path, a missing file.
	link := filepath.Join(in.dir, "hostile", "link.bin")
	if err := os.Symlink(in.artefact, link); err != nil {
		t.Fatal(err)
	}
	cases = append(cases,
		tc{name: "symlinked artefact", set: map[string]string{"--artefact": link}},
		tc{name: "artefact is a folder", set: map[string]string{"--artefact": in.dir}},
		tc{name: "artefact missing", set: map[string]string{"--artefact": filepath.Join(in.dir, "nope.bin")}},
		tc{name: "release is a symlink", set: map[string]string{"--release": link}},
	)
	// Declarations pointing out of their folder, or through a symlink.
	secret := filepath.Join(in.dir, "secret.txt")
	write(t, secret, []byte("not for the bundle"))
	for name, ev := range map[string]string{"../ evidence": "../secret.txt", "absolute evidence": secret, "symlinked evidence": "ev/link.txt"} {
		d := filepath.Join(in.dir, "decl-"+strings.ReplaceAll(name, " ", "-"))
		if err := os.MkdirAll(filepath.Join(d, "ev"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(secret, filepath.Join(d, "ev", "link.txt")); err != nil {
			t.Fatal(err)
		}
		ans := filepath.Join(d, "answers.yaml")
		write(t, ans, []byte("declarations:\n  - control: declare/key-storage\n    status: implemented\n    statement: keys are kept in an HSM\n    evidence: ["+ev+"]\n    owner: security\n"))
		cases = append(cases, tc{name: name, extra: []string{"--answers", ans}})
	}
	// A certificate that does not parse, and one for another key.
	badCert := filepath.Join(in.dir, "hostile", "bad.cert.json")
	write(t, badCert, []byte(`{"schema": 1`))
	write(t, badCert+".sig", []byte("x"))
	cases = append(cases, tc{name: "malformed certificate", set: map[string]string{"--key-cert": badCert}})

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(outDir, "b-"+strings.NewReplacer(" ", "-", "/", "-").Replace(c.name))
			code, stdout, stderr := craudit(t, in.bundleArgs(out, c.set, c.extra...)...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr: %s", code, stderr)
			}
			wantOneLine(t, c.name, stderr)
			if stdout != "" {
				t.Errorf("stdout not empty: %q", stdout)
			}
			if left := stagingLeft(t, out); len(left) > 0 {
				t.Errorf("left %v beside --out", left)
			}
		})
	}
}

// hostileArchives are artefacts whose unpacking must not escape, fill the
// disk or hang: they are refused (exit 2) before syft unpacks them.
func hostileArchives(t *testing.T) map[string][]byte {
	t.Helper()
	tarOf := func(hdrs ...*tar.Header) []byte {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		for _, h := range hdrs {
			if err := tw.WriteHeader(h); err != nil {
				t.Fatal(err)
			}
			if h.Typeflag == tar.TypeReg && h.Size < 1<<20 {
				if _, err := tw.Write(bytes.Repeat([]byte{'x'}, int(h.Size))); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := tw.Close(); err != nil && !strings.Contains(err.Error(), "missed writing") {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	// A tar whose member claims a terabyte: only the header is written.
	var huge bytes.Buffer
	tw := tar.NewWriter(&huge)
	if err := tw.WriteHeader(&tar.Header{Name: "big.img", Typeflag: tar.TypeReg, Size: 1 << 40, Mode: 0o644}); err != nil {
		t.Fatal(err)
	}
	huge.Write(make([]byte, 4096))
	// A zip bomb: 80 MiB of zeros deflate to about 80 KiB.
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "zeros.img", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for range 80 {
		w.Write(chunk)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{
		"tar with ../ entry":      tarOf(&tar.Header{Name: "../../escape.txt", Typeflag: tar.TypeReg, Size: 3, Mode: 0o644}),
		"tar with absolute entry": tarOf(&tar.Header{Name: "/etc/cron.d/x", Typeflag: tar.TypeReg, Size: 3, Mode: 0o644}),
		"tar with escaping link":  tarOf(&tar.Header{Name: "lib", Typeflag: tar.TypeSymlink, Linkname: "../../..", Mode: 0o777}, &tar.Header{Name: "lib/x", Typeflag: tar.TypeReg, Size: 1, Mode: 0o644}),
		"tar bomb (1 TiB member)": huge.Bytes(),
		"zip bomb (80 MiB)":       zb.Bytes(),
	}
}

func TestBundleRefusesHostileArchives(t *testing.T) {
	in := newReleaseInputs(t)
	outDir := t.TempDir()
	for name, data := range hostileArchives(t) {
		t.Run(name, func(t *testing.T) {
			ext := ".tar"
			if strings.HasPrefix(name, "zip") {
				ext = ".zip"
			}
			art := filepath.Join(t.TempDir(), "image"+ext)
			write(t, art, data)
			out := filepath.Join(outDir, "b-"+strings.NewReplacer(" ", "-", "/", "-").Replace(name))
			code, _, stderr := craudit(t, in.bundleArgs(out, map[string]string{"--artefact": art})...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr: %s", code, stderr)
			}
			wantOneLine(t, name, stderr)
			if left := stagingLeft(t, out); len(left) > 0 {
				t.Errorf("left %v beside --out", left)
			}
			if _, err := os.Lstat(filepath.Join(filepath.Dir(art), "..", "escape.txt")); err == nil {
				t.Error("an archive entry escaped its folder")
			}
		})
	}
}

// TestJudgingHostileBundles: `bundle verify` and `check` judge the bundle, so
// anything wrong with it — even damage that breaks its syntax — is exit 1.
func TestJudgingHostileBundles(t *testing.T) {
	in := newReleaseInputs(t)
	good := filepath.Join(t.TempDir(), "bundle")
	if code, _, stderr := craudit(t, in.bundleArgs(good, nil)...); code != 0 {
		t.Fatalf("good bundle: exit %d: %s", code, stderr)
	}
	if code, _, stderr := craudit(t, "bundle", "verify", good, "--trust", in.root); code != 0 {
		t.Fatalf("good bundle does not verify: exit %d: %s", code, stderr)
	}
	index, err := os.ReadFile(filepath.Join(good, "bundle.json"))
	if err != nil {
		t.Fatal(err)
	}
	damage := map[string]func(dir string){}
	for name, body := range hostileYAML(index) {
		damage["bundle.json "+name] = func(dir string) { write(t, filepath.Join(dir, "bundle.json"), body) }
	}
	damage["artefact replaced by a symlink"] = func(dir string) {
		p := filepath.Join(dir, "artefacts", "firmware.bin")
		os.Remove(p)
		if err := os.Symlink(in.artefact, p); err != nil {
			t.Fatal(err)
		}
	}
	damage["artefact truncated"] = func(dir string) {
		if err := os.Truncate(filepath.Join(dir, "artefacts", "firmware.bin"), 3); err != nil {
			t.Fatal(err)
		}
	}
	damage["extra file"] = func(dir string) { write(t, filepath.Join(dir, "artefacts", "extra.bin"), []byte("x")) }
	damage["signature missing"] = func(dir string) { os.Remove(filepath.Join(dir, "bundle.json.sig")) }
	damage["manifest invalid UTF-8"] = func(dir string) { write(t, filepath.Join(dir, "manifest.json"), []byte("{\"a\":\"\xff\"}")) }
	damage["index names ../ path"] = func(dir string) {
		write(t, filepath.Join(dir, "bundle.json"), bytes.Replace(index, []byte(`"artefacts/firmware.bin"`), []byte(`"../../../etc/passwd"`), 1))
	}
	for name, fn := range damage {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "bundle")
			copyTree(t, good, dir)
			fn(dir)
			for _, args := range [][]string{
				{"bundle", "verify", dir, "--trust", in.root},
				{"check", dir, "--trust", in.root, "--format", "json"},
			} {
				code, _, stderr := craudit(t, args...)
				if code != 1 {
					t.Errorf("%s: exit %d, want 1; stderr: %s", args[0]+" "+args[1], code, stderr)
				}
				if strings.Contains(stderr, "panic") {
					t.Errorf("%v: panic: %s", args, stderr)
				}
			}
		})
	}
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
