package layout

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/manifest"
)

const full = `# a hand-rolled updater's repository
layout: 1
description: the ST-200's updater
paths:
  manifest: ota/st200/release.json
  manifest_signature: ota/st200/release.sig
  certificate: ota/vendor-cert.json
  certificate_signature: ota/vendor-cert.sig
  signer_key: ""
  artefact: ota/st200/images/{name}
manifest:
  time_format: unix
  constants:
    format: st-ota/1
  fields:
    schema:
    product: model_id
    hardware_ids: boards
    version: fw_version
    rollback_counter: security_epoch
    timestamp: issued
    expires: valid_until
    update_type: ""
    severity: ""
    artefacts: images
    artefact_name: file
    artefact_size: bytes
    artefact_sha256: digest
    artefact_sha512: ""
client:
  arguments: [--root-key, "{trust}", --cacert, "{ca}", --server, "{repo}", --data, "{state}", --running, "{installed_version}", --slots, "{out}", install]
  resolve_arguments: [--connect-to, "{resolve}"]
  installed: current
`

func sample() *manifest.Manifest {
	content := []byte("firmware")
	h256, h512 := sha256.Sum256(content), sha512.Sum512(content)
	n := uint64(2)
	return &manifest.Manifest{Product: "thermo-1000", HardwareIDs: []string{"tx-200", "tx-100"}, Version: "1.0.1", RollbackCounter: &n,
		Timestamp: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Expires: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		UpdateType: "security", Severity: "high",
		Artefacts: []manifest.Artefact{{Name: "z.bin", Size: 8, SHA256: hex.EncodeToString(h256[:]), SHA512: hex.EncodeToString(h512[:])},
			{Name: "firmware.bin", Size: 8, SHA256: hex.EncodeToString(h256[:]), SHA512: hex.EncodeToString(h512[:])}}}
}

// Under the default layout a manifest is byte for byte what craudit writes
// and signs: the manifest profile's scenarios are unchanged by layouts.
func TestDefaultMarshalIsCrauditsOwn(t *testing.T) {
	m := sample()
	want, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for name, l := range map[string]*Layout{"nil": nil, "Default": Default()} {
		got, err := l.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s layout:\n%s\nwant\n%s", name, got, want)
		}
	}
	if _, err := manifest.Parse(want); err != nil {
		t.Fatal(err)
	}
	if !Default().IsDefault() || !(*Layout)(nil).IsDefault() {
		t.Error("Default is not the default")
	}
}

func TestParseFull(t *testing.T) {
	l, err := Parse("st200.layout.yaml", []byte(full))
	if err != nil {
		t.Fatal(err)
	}
	if l.IsDefault() {
		t.Error("a renaming layout says it is the default")
	}
	for from, want := range map[string]string{ManifestPath: "ota/st200/release.json", ManifestSigPath: "ota/st200/release.sig",
		CertPath: "ota/vendor-cert.json", CertSigPath: "ota/vendor-cert.sig", ArtefactDir + "firmware.bin": "ota/st200/images/firmware.bin",
		"other/file": "other/file"} {
		if got, ok := l.Path(from); !ok || got != want {
			t.Errorf("Path(%s) = %q, %v; want %q", from, got, ok, want)
		}
	}
	if _, ok := l.Path(SignerKeyPath); ok {
		t.Error("signer_key \"\" is still served")
	}
	b, err := l.Marshal(sample())
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "format": "st-ota/1",
  "model_id": "thermo-1000",
  "boards": [
    "tx-100",
    "tx-200"
  ],
  "fw_version": "1.0.1",
  "security_epoch": 2,
  "issued": 1767225600,
  "valid_until": 1769904000,
  "images": [
    {
      "file": "firmware.bin",
      "bytes": 8,
      "digest": "` + sha(sha256.New(), "firmware") + `"
    },
    {
      "file": "z.bin",
      "bytes": 8,
      "digest": "` + sha(sha256.New(), "firmware") + `"
    }
  ]
}
`
	if string(b) != want {
		t.Errorf("manifest:\n%s\nwant\n%s", b, want)
	}
	args, err := l.Args(Values{Trust: "/t/root.pub", CA: "/t/ca.pem", State: "/s", Repo: "https://u.example/", InstalledVersion: "1.0.0", Out: "/o"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(args, " "); got != "--root-key /t/root.pub --cacert /t/ca.pem --server https://u.example --data /s --running 1.0.0 --slots /o install" {
		t.Errorf("args: %s", got)
	}
	args, err = l.Args(Values{Repo: "https://u.example", Resolve: "u.example:443:127.0.0.1:4431"})
	if err != nil || args[len(args)-1] != "u.example:443:127.0.0.1:4431" || args[len(args)-2] != "--connect-to" {
		t.Errorf("resolve args: %v %v", args, err)
	}
	// {resolve_arguments} puts them in place (before a trailing command),
	// and is nothing without --resolve.
	l.Arguments = []string{"-s", "{repo}", ResolveHere, "install"}
	for _, c := range []struct{ resolve, want string }{{"", "-s https://u.example install"}, {"r:1:a:2", "-s https://u.example --connect-to r:1:a:2 install"}} {
		args, err = l.Args(Values{Repo: "https://u.example", Resolve: c.resolve})
		if got := strings.Join(args, " "); err != nil || got != c.want {
			t.Errorf("resolve %q: %q %v, want %q", c.resolve, got, err, c.want)
		}
	}
	if l.InstalledDir() != "current" {
		t.Errorf("installed: %s", l.InstalledDir())
	}
}

func sha(h interface {
	Write([]byte) (int, error)
	Sum([]byte) []byte
}, s string) string {
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil))
}

func TestArgsNeedResolveArguments(t *testing.T) {
	l, err := Parse("a.yaml", []byte("layout: 1\nclient:\n  arguments: [--repo, '{repo}']\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Args(Values{Repo: "https://x", Resolve: "x:443:127.0.0.1:1"}); err == nil || !strings.Contains(err.Error(), "resolve_arguments") {
		t.Errorf("a --resolve run without resolve_arguments: %v", err)
	}
	if a, err := Default().Args(Values{Repo: "https://x", Resolve: "r"}); a != nil || err != nil {
		t.Errorf("the default layout leaves the protocol to the caller: %v %v", a, err)
	}
}

// Every bad layout is one line naming the file, the line and the key.
func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ name, yaml, want string }{
		{"empty", "", "f.yaml: empty file"},
		{"no version", "paths: {manifest: m.json}\n", "f.yaml: line 1: layout: missing"},
		{"version 2", "layout: 2\n", "f.yaml: line 1: layout: format version 2 is not supported"},
		{"version string", "layout: '1'\n", "f.yaml: line 1: layout: want the format version, 1"},
		{"unknown top", "layout: 1\npath: {}\n", "f.yaml: line 2: path: unknown key (known: layout, description, paths, manifest, client)"},
		{"unknown path key", "layout: 1\npaths:\n  manfest: m.json\n", "f.yaml: line 3: paths.manfest: unknown key"},
		{"unknown field", "layout: 1\nmanifest:\n  fields:\n    versoin: v\n", "f.yaml: line 4: manifest.fields.versoin: unknown key"},
		{"twice", "layout: 1\npaths:\n  manifest: a.json\n  manifest: b.json\n", "f.yaml: line 4: paths.manifest: given twice"},
		{"number path", "layout: 1\npaths:\n  manifest: 12\n", "f.yaml: line 3: paths.manifest: want a string, got \"12\" (quote it)"},
		{"list path", "layout: 1\npaths:\n  manifest: [a]\n", "f.yaml: line 3: paths.manifest: want a string"},
		{"dotdot", "layout: 1\npaths:\n  manifest: ../etc/passwd\n", "f.yaml: line 3: paths.manifest: \"../etc/passwd\": empty, . and .. segments are not allowed"},
		{"absolute", "layout: 1\npaths:\n  certificate: /c.json\n", "paths.certificate: \"/c.json\": relative to the repository URL"},
		{"query", "layout: 1\npaths:\n  manifest: m.json?x=1\n", "paths.manifest: \"m.json?x=1\": a path below the repository URL"},
		{"required path", "layout: 1\npaths:\n  manifest: ''\n", "f.yaml: line 3: paths.manifest: required"},
		{"no name", "layout: 1\npaths:\n  artefact: images/fw.bin\n", "paths.artefact: \"images/fw.bin\" must hold {name} exactly once"},
		{"name in folder", "layout: 1\npaths:\n  artefact: '{name}/fw.bin'\n", "must be in the last path segment"},
		{"same path", "layout: 1\npaths:\n  manifest: m.json\n  manifest_signature: m.json\n", "f.yaml: line 4: paths.manifest_signature: the same path as paths.manifest"},
		{"artefact collides", "layout: 1\npaths:\n  manifest: fw/firmware.bin\n  artefact: 'fw/{name}'\n", "paths.artefact: the same path as paths.manifest"},
		{"required field", "layout: 1\nmanifest:\n  fields:\n    rollback_counter: ''\n", "f.yaml: line 4: manifest.fields.rollback_counter: cannot be omitted"},
		{"bad field name", "layout: 1\nmanifest:\n  fields:\n    version: 'fw version'\n", "manifest.fields.version: \"fw version\": want a field name"},
		{"field collision", "layout: 1\nmanifest:\n  fields:\n    version: product\n", "f.yaml: line 4: manifest.fields.version: \"product\" is also the name of manifest.fields.product"},
		{"constant collision", "layout: 1\nmanifest:\n  constants: {version: x}\n", "manifest.fields.version: \"version\" is also the name of manifest.constants.version"},
		{"artefact field collision", "layout: 1\nmanifest:\n  fields:\n    artefact_size: name\n", "manifest.fields.artefact_size: \"name\" is also the name of manifest.fields.artefact_name"},
		{"time format", "layout: 1\nmanifest:\n  time_format: iso\n", "f.yaml: line 3: manifest.time_format: \"iso\": want rfc3339 or unix"},
		{"placeholder", "layout: 1\nclient:\n  arguments: ['{repo}', '{root}']\n", "f.yaml: line 3: client.arguments[1]: \"{root}\": unknown placeholder"},
		{"resolve outside", "layout: 1\nclient:\n  arguments: ['{repo}', '{resolve}']\n", "client.arguments[1]: \"{resolve}\": unknown placeholder"},
		{"stray brace", "layout: 1\nclient:\n  arguments: ['{repo}', '--x={']\n", "client.arguments[1]: \"--x={\": unknown placeholder or stray brace"},
		{"no repo", "layout: 1\nclient:\n  arguments: [update]\n", "f.yaml: line 3: client.arguments: none of them holds {repo}"},
		{"empty args", "layout: 1\nclient:\n  arguments: []\n", "client.arguments: empty"},
		{"resolve alone", "layout: 1\nclient:\n  resolve_arguments: ['{resolve}']\n", "client.resolve_arguments: given without client.arguments"},
		{"resolve here twice", "layout: 1\nclient:\n  arguments: ['{repo}', '{resolve_arguments}', '{resolve_arguments}']\n", "f.yaml: line 3: client.arguments[2]: {resolve_arguments} given twice"},
		{"resolve here in resolve", "layout: 1\nclient:\n  arguments: ['{repo}']\n  resolve_arguments: ['{resolve}', '{resolve_arguments}']\n", "client.resolve_arguments[1]: \"{resolve_arguments}\": unknown placeholder"},
		{"resolve unused", "layout: 1\nclient:\n  arguments: ['{repo}']\n  resolve_arguments: [--x]\n", "client.resolve_arguments: none of them holds {resolve}"},
		{"installed leaves", "layout: 1\nclient:\n  installed: ../x\n", "f.yaml: line 3: client.installed: a folder below the client's --out"},
		{"alias", "layout: 1\npaths: &p\n  manifest: m.json\nclient: *p\n", "anchors and aliases are not allowed"},
		{"tag", "layout: 1\npaths:\n  manifest: !x m.json\n", "f.yaml: line 3: paths.manifest: tags are not allowed"},
		{"two docs", "layout: 1\n---\nlayout: 1\n", "f.yaml: line 2: more than one YAML document"},
		{"not yaml", "layout: 1\n  bad: [\n", "f.yaml: not YAML:"},
		{"not mapping", "- layout\n", "f.yaml: line 1: want a mapping"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(c.yaml))
			if err == nil {
				t.Fatalf("accepted:\n%s", c.yaml)
			}
			var le *Error
			if !errors.As(err, &le) {
				t.Errorf("%T, want *Error", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is more than one line: %q", err)
			}
		})
	}
}

func TestLoadNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "my.layout.yaml")
	if _, err := Load(p); err == nil || !strings.HasPrefix(err.Error(), p+": ") {
		t.Errorf("missing file: %v", err)
	}
	if err := os.WriteFile(p, []byte(full), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if l.File != p || l.Description != "the ST-200's updater" {
		t.Errorf("file %q, description %q", l.File, l.Description)
	}
	if err := os.WriteFile(p, bytes.Repeat([]byte("#"), MaxFile+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(p); err == nil {
		t.Error("an oversized layout was read")
	}
}

// The manifest a layout writes is JSON whose first-level names are the
// layout's, each once.
func FuzzParse(f *testing.F) {
	f.Add([]byte(full))
	f.Add([]byte("layout: 1\n"))
	f.Add([]byte("layout: 1\nmanifest:\n  constants: {a: b}\n  fields: {version: a}\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Parse("f.yaml", b)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of more than one line: %q", err)
			}
			return
		}
		out, err := l.Marshal(sample())
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("manifest under the layout is not a JSON object: %v\n%s", err, out)
		}
		if c := bytes.Count(out, []byte("\n  \"")); c != len(m) {
			t.Fatalf("%d first-level fields written, %d distinct: a name is used twice\n%s", c, len(m), out)
		}
		for _, p := range []string{ManifestPath, ManifestSigPath, CertPath, CertSigPath, ArtefactDir + "firmware.bin"} {
			to, ok := l.Path(p)
			if !ok || strings.HasPrefix(to, "/") || strings.Contains(to, "..") {
				t.Fatalf("Path(%s) = %q, %v", p, to, ok)
			}
		}
	})
}
