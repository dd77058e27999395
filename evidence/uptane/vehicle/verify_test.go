package vehicle

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/uptane"
	"github.com/craudit/craudit/fixtures/shared"
)

var at2026 = time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)

func loadKeys(t testing.TB, paths ...string) *Keyring {
	t.Helper()
	kr := &Keyring{}
	for _, p := range paths {
		nk, err := LoadKey(p)
		if err != nil {
			t.Fatal(err)
		}
		kr.Any = append(kr.Any, nk)
	}
	return kr
}

func mustParse(t *testing.T, name string, b []byte) *Manifest {
	t.Helper()
	m, err := Parse(name, b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func devIDs(r *Result) []string {
	var out []string
	for _, d := range r.Deviations {
		out = append(out, d.ID)
	}
	return out
}

func TestReferenceImplementationSamples(t *testing.T) {
	dir := shared.Testdata(t, "uptane", "reference-implementation")
	keys := filepath.Join(dir, "demo", "keys")
	kr := loadKeys(t, filepath.Join(keys, "primary.pub"), filepath.Join(keys, "secondary.pub"))
	for _, name := range []string{"sample_vehicle_manifest.json", "sample_vehicle_version_manifest_democar.json"} {
		t.Run(name, func(t *testing.T) {
			m, err := Load(filepath.Join(dir, "samples", name))
			if err != nil {
				t.Fatal(err)
			}
			r := Verify(m, kr, at2026)
			if !r.Verified {
				t.Fatalf("not verified: %+v", r)
			}
			if r.Dialect != uptane.DialectTUF || r.Shape != ShapeMapOfLists || r.Unit != "democar" || r.PrimarySerial != "INFOdemocar" {
				t.Fatalf("dialect %s shape %s unit %s", r.Dialect, r.Shape, r.Unit)
			}
			if r.Signature.Scheme != string(uptane.KeyIDTUF) || r.Signature.Form != string(uptane.FormOLPC) {
				t.Fatalf("signature %+v", r.Signature)
			}
			for _, e := range r.ECUs {
				if !e.Verified || e.Time1970 || e.NoReplayProtection || e.Image.Length != 37 || e.Image.Hashes["sha512"] == "" {
					t.Fatalf("ECU %+v", e)
				}
			}
			if got := devIDs(r); !slices.Equal(got, []string{DevPrimaryReportAbsent}) {
				t.Fatalf("deviations %v", got)
			}
		})
	}
	// The wrong key: the Primary's key does not sign the ECU reports.
	m, err := Load(filepath.Join(dir, "samples", "sample_vehicle_manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := Verify(m, loadKeys(t, filepath.Join(keys, "primary.pub")), at2026)
	if r.Verified || !r.Signature.Verified || r.ECUs[0].Signature.Verified || !strings.Contains(r.ECUs[0].Signature.Problem, "none of the keys") {
		t.Fatalf("only the primary key: %+v", r)
	}
	// A registry binds each serial to its key: a report signed by another
	// ECU's key fails.
	reg := filepath.Join(t.TempDir(), "reg.json")
	writeJSON(t, reg, map[string]any{"schema": RegistrySchema, "ecus": map[string]any{
		"INFOdemocar": []any{map[string]string{"file": filepath.Join(keys, "primary.pub")}},
		"TCUdemocar":  []any{map[string]string{"file": filepath.Join(keys, "secondary2.pub")}},
	}})
	bound, err := LoadRegistry(reg, loadKeys(t, filepath.Join(keys, "secondary.pub")))
	if err != nil {
		t.Fatal(err)
	}
	r = Verify(m, bound, at2026)
	if r.Verified || !r.Signature.Verified || r.ECUs[0].Signature.Verified {
		t.Fatalf("bound to another key: %+v", r)
	}
}

func TestReferenceImplementationChangedField(t *testing.T) {
	dir := shared.Testdata(t, "uptane", "reference-implementation")
	keys := filepath.Join(dir, "demo", "keys")
	kr := loadKeys(t, filepath.Join(keys, "primary.pub"), filepath.Join(keys, "secondary.pub"))
	raw, err := os.ReadFile(filepath.Join(dir, "samples", "sample_vehicle_version_manifest_democar.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, from, to string
		primaryOK      bool // the Primary's signature still verifies
	}{
		{"vin", `"vin": "democar"`, `"vin": "democaR"`, false},
		{"primary serial", `"primary_ecu_serial": "INFOdemocar"`, `"primary_ecu_serial": "INFOdemocaR"`, false},
		{"length", `"length": 37`, `"length": 38`, false},
		{"hash", `"sha256": "6b9f98`, `"sha256": "7b9f98`, false},
		{"attacks", `"attacks_detected": ""`, `"attacks_detected": "x"`, false},
		{"time", `"timeserver_time": "2017-06-16T18:10:03Z"`, `"timeserver_time": "2017-06-16T18:10:04Z"`, false},
		{"ecu signature", `"sig": "609a`, `"sig": "709a`, false},
		{"primary signature", `"sig": "8e4d`, `"sig": "9e4d`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(string(raw), tc.from) {
				t.Fatalf("sample has no %q", tc.from)
			}
			b := []byte(strings.Replace(string(raw), tc.from, tc.to, 1))
			r := Verify(mustParse(t, "x.json", b), kr, at2026)
			if r.Verified {
				t.Fatalf("changed %s still verifies", tc.name)
			}
			if r.Signature.Verified != tc.primaryOK {
				t.Fatalf("primary signature verified=%v", r.Signature.Verified)
			}
		})
	}
}

func TestOTAConnectSamples(t *testing.T) {
	dir := shared.Testdata(t, "uptane", "ota-connect")
	for _, tc := range []struct {
		name  string
		shape Shape
	}{{"v1", ShapeList}, {"v2", ShapeMap}, {"v3", ShapeMap}} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Load(filepath.Join(dir, tc.name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			kr := loadKeys(t, filepath.Join(dir, tc.name+".pem"))
			r := Verify(m, kr, at2026)
			if !r.Verified {
				t.Fatalf("not verified: %+v", r)
			}
			if r.Dialect != uptane.DialectOTA || r.Shape != tc.shape || r.Signature.Scheme != string(uptane.KeyIDAktualizr) {
				t.Fatalf("dialect %s shape %s scheme %s", r.Dialect, r.Shape, r.Signature.Scheme)
			}
			e := r.ECUs[0]
			if !e.Primary || !e.Time1970 || !e.NoReplayProtection || e.CounterOrNonce || e.Image.Hashes["sha256"] == "" {
				t.Fatalf("ECU %+v", e)
			}
			if got := devIDs(r); !slices.Equal(got, []string{DevTime1970, DevNoReplayProtection}) {
				t.Fatalf("deviations %v", got)
			}
			// A changed field fails.
			raw, _ := os.ReadFile(filepath.Join(dir, tc.name+".json"))
			b := []byte(strings.Replace(string(raw), `"attacks_detected" : ""`, `"attacks_detected" : "replay"`, 1))
			if r := Verify(mustParse(t, "x", b), kr, at2026); r.Verified || r.Signature.Verified || r.ECUs[0].Signature.Verified {
				t.Fatalf("changed attacks_detected still verifies")
			}
			// Another version's key does not verify it.
			other := map[string]string{"v1": "v2", "v2": "v3", "v3": "v1"}[tc.name]
			if r := Verify(m, loadKeys(t, filepath.Join(dir, other+".pem")), at2026); r.Verified {
				t.Fatal("verified with another key")
			}
		})
	}
}

// signedReport builds one ECU report signed by k.
func signedReport(t *testing.T, k *uptane.PrivateKey, d uptane.Dialect, serial string, extra map[string]any) json.RawMessage {
	t.Helper()
	s := map[string]any{
		"ecu_serial": serial, "attacks_detected": "",
		"installed_image": map[string]any{"filepath": "fw-" + serial, "fileinfo": map[string]any{
			"length": 3, "hashes": map[string]string{"sha256": strings.Repeat("ab", 32)}}},
		"timeserver_time": "1970-01-01T00:00:00Z", "previous_timeserver_time": "1970-01-01T00:00:00Z",
	}
	for k, v := range extra {
		s[k] = v
	}
	b, err := uptane.Sign(s, d, k)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCounterOnlyInPrimaryAndAlgorithms(t *testing.T) {
	for _, tc := range []struct {
		alg uptane.Algorithm
		d   uptane.Dialect
	}{{uptane.ECDSAP256, uptane.DialectOTA}, {uptane.Ed25519, uptane.DialectTUF}, {uptane.RSA, uptane.DialectOTA}} {
		t.Run(string(tc.alg)+"/"+string(tc.d), func(t *testing.T) {
			pk, err := uptane.GenerateKey(tc.alg, tc.d, nil)
			if err != nil {
				t.Fatal(err)
			}
			sk, err := uptane.GenerateKey(uptane.Ed25519, tc.d, nil)
			if err != nil {
				t.Fatal(err)
			}
			vm := map[string]any{"primary_ecu_serial": "main", "ecu_version_manifests": map[string]any{
				"main": signedReport(t, pk, tc.d, "main", map[string]any{"report_counter": "7"}),
				"wifi": signedReport(t, sk, tc.d, "wifi", nil),
			}}
			raw, err := uptane.Sign(vm, tc.d, pk)
			if err != nil {
				t.Fatal(err)
			}
			reg := filepath.Join(t.TempDir(), "reg.json")
			writeJSON(t, reg, map[string]any{"schema": RegistrySchema, "ecus": map[string]any{
				"main": []any{map[string]any{"key": pk.KeyObject()}},
				"wifi": []any{map[string]any{"key": sk.KeyObject()}},
			}})
			kr, err := LoadRegistry(reg, nil)
			if err != nil {
				t.Fatal(err)
			}
			r := Verify(mustParse(t, "gen.json", raw), kr, at2026)
			if !r.Verified || r.Dialect != tc.d {
				t.Fatalf("not verified: %+v", r)
			}
			want := []string{DevTime1970, DevTime1970, DevNoReplayProtection, DevCounterOnlyInPrimary}
			if got := devIDs(r); !slices.Equal(got, want) {
				t.Fatalf("deviations %v, want %v", got, want)
			}
			if !r.ECUs[0].CounterOrNonce || r.ECUs[0].NoReplayProtection || r.ECUs[0].Counter != "7" {
				t.Fatalf("primary %+v", r.ECUs[0])
			}
		})
	}
}

func TestFieldProblems(t *testing.T) {
	k, err := uptane.NewPrivateKey(ed25519.NewKeyFromSeed(make([]byte, 32)), uptane.DialectTUF)
	if err != nil {
		t.Fatal(err)
	}
	kr := &Keyring{Any: []NamedKey{{Source: "k", Key: k.Public}}}
	good := signedReport(t, k, uptane.DialectTUF, "a", nil)
	sign := func(v any) json.RawMessage {
		b, err := uptane.Sign(v, uptane.DialectTUF, k)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name string
		doc  any
		want string
	}{
		{"no primary", map[string]any{"ecu_version_manifests": map[string]any{"a": good}}, "primary_ecu_serial is missing"},
		{"no reports", map[string]any{"primary_ecu_serial": "a"}, "no ecu_version_manifests"},
		{"both", map[string]any{"primary_ecu_serial": "a", "ecu_version_manifests": map[string]any{"a": good}, "ecu_version_manifest": []any{good}}, "both"},
		{"filed under another", map[string]any{"primary_ecu_serial": "a", "ecu_version_manifests": map[string]any{"b": good}}, `ecu_serial "a" but filed under "b"`},
		{"twice", map[string]any{"primary_ecu_serial": "a", "ecu_version_manifest": []any{good, good}}, "reported twice"},
		{"no image", map[string]any{"primary_ecu_serial": "a", "ecu_version_manifest": []any{sign(map[string]any{"ecu_serial": "a"})}}, "installed_image is missing"},
		{"future", map[string]any{"primary_ecu_serial": "a", "ecu_version_manifest": []any{signedReport(t, k, uptane.DialectTUF, "a", map[string]any{"timeserver_time": "2030-01-01T00:00:00Z"})}}, "after the reference time"},
		{"bad hash", map[string]any{"primary_ecu_serial": "a", "ecu_version_manifest": []any{signedReport(t, k, uptane.DialectTUF, "a", map[string]any{"installed_image": map[string]any{"filepath": "x", "fileinfo": map[string]any{"length": 1, "hashes": map[string]any{"sha256": "zz"}}}})}}, "not hex"},
		{"not a report", map[string]any{"primary_ecu_serial": "a", "ecu_version_manifests": map[string]any{"a": "x"}}, "not a signed report"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Verify(mustParse(t, "x", sign(tc.doc)), kr, at2026)
			all := strings.Join(r.Problems, "|")
			for _, e := range r.ECUs {
				all += "|" + strings.Join(e.Problems, "|") + "|" + e.Signature.Problem
			}
			if r.Verified || !strings.Contains(all, tc.want) {
				t.Fatalf("verified=%v problems %q, want %q", r.Verified, all, tc.want)
			}
		})
	}
	for _, bad := range []string{"", "[]", `{"signed": 1}`, "not json", `{"signatures": [], "signed": {"a": 1, "a": 2}}`, `{"signatures": [], "signed": {"l": [{"a": {"b": 1}}, {"a": {"b": [1, {"c": 1, "c": 1}]}}]}}`} {
		_, err := Parse("bad.json", []byte(bad))
		if !errors.Is(err, ErrUnreadable) || !strings.HasPrefix(err.Error(), "bad.json: ") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
