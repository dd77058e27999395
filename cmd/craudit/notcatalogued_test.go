package main

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBundleNotCatalogued: `bundle` prints one line on stderr for every
// artefact or file in one whose contents the SBOM could not catalogue (a
// raw image, nested npm / PyPI archives), and the SBOM in the bundle
// carries the same as craudit:note on those components; a fully
// catalogued artefact prints none.
func TestBundleNotCatalogued(t *testing.T) {
	in := newReleaseInputs(t)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range []struct{ name, data string }{
		{"opt/app/bin/appd", "\x7fELF the vendor's daemon"},
		{"opt/app/vendor/left-pad-1.3.0.tgz", "\x1f\x8b\x08\x00 an npm tarball"},
		{"opt/app/wheels/six-1.16.0-py2.py3-none-any.whl", "PK\x03\x04 a wheel"},
		{"opt/app/etc/app.conf", "plain = text\n"},
	} {
		if err := tw.WriteHeader(&tar.Header{Name: e.name, Mode: 0o755, Size: int64(len(e.data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	rootfs := filepath.Join(in.dir, "rootfs.tar")
	write(t, rootfs, buf.Bytes())
	plain := filepath.Join(in.dir, "app.tar")
	write(t, plain, tarBytes(t, "opt/app/bin/appd", "\x7fELF the vendor's daemon"))

	for _, tc := range []struct {
		name     string
		artefact string
		want     []string // lines of stderr starting "sbom: "
		notes    map[string]string
	}{
		{"raw image", in.artefact, []string{
			"sbom: not catalogued: firmware.bin: a raw image in no format craudit reads",
		}, map[string]string{"firmware.bin": "whatever it holds is not catalogued"}},
		{"nested archives", rootfs, []string{
			"sbom: not catalogued: rootfs.tar: /opt/app/vendor/left-pad-1.3.0.tgz: an archive inside the artefact",
			"sbom: not catalogued: rootfs.tar: /opt/app/wheels/six-1.16.0-py2.py3-none-any.whl: an archive inside the artefact",
		}, map[string]string{
			"/opt/app/vendor/left-pad-1.3.0.tgz":              "are not catalogued",
			"/opt/app/wheels/six-1.16.0-py2.py3-none-any.whl": "are not catalogued",
		}},
		{"everything catalogued", plain, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "bundle")
			code, _, stderr := craudit(t, in.bundleArgs(out, map[string]string{"--artefact": tc.artefact})...)
			if code != 0 {
				t.Fatalf("bundle: exit %d: %s", code, stderr)
			}
			var got []string
			for _, l := range strings.Split(stderr, "\n") {
				if strings.HasPrefix(l, "sbom: ") {
					got = append(got, l)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("stderr has %d sbom lines, want %d:\n%s", len(got), len(tc.want), stderr)
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("line %d = %q, want it to start %q", i, got[i], w)
				}
			}
			b, err := os.ReadFile(filepath.Join(out, "sbom.cdx.json"))
			if err != nil {
				t.Fatal(err)
			}
			notes := componentNotes(t, b)
			for name, want := range tc.notes {
				if !strings.Contains(notes[name], want) {
					t.Errorf("SBOM notes of %s = %q, want %q", name, notes[name], want)
				}
			}
		})
	}
}

func tarBytes(t *testing.T, name, data string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// componentNotes maps every component's name (nested ones included) to
// its craudit:note properties, joined.
func componentNotes(t *testing.T, sbom []byte) map[string]string {
	t.Helper()
	type comp struct {
		Name       string `json:"name"`
		Properties []struct {
			Name, Value string
		} `json:"properties"`
		Components []json.RawMessage `json:"components"`
	}
	var doc struct {
		Components []json.RawMessage `json:"components"`
	}
	if err := json.Unmarshal(sbom, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var walk func([]json.RawMessage)
	walk = func(cs []json.RawMessage) {
		for _, raw := range cs {
			var c comp
			if err := json.Unmarshal(raw, &c); err != nil {
				t.Fatal(err)
			}
			for _, p := range c.Properties {
				if p.Name == "craudit:note" {
					out[c.Name] += p.Value + " | "
				}
			}
			walk(c.Components)
		}
	}
	walk(doc.Components)
	return out
}
