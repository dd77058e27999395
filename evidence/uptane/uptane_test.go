package uptane

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/fixtures/shared"
)

func readMeta(t *testing.T, path string) *Metadata {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Decode(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// verifyRootSelf checks a root's key IDs and its signature by its own root
// role, returning the form that verified.
func verifyRootSelf(t *testing.T, path string) (Form, map[KeyIDScheme]int) {
	t.Helper()
	m := readMeta(t, path)
	r, err := m.Root()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	schemes := map[KeyIDScheme]int{}
	for id, k := range r.Keys {
		s, err := k.CheckID(id)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		schemes[s]++
	}
	v, err := m.Verify("root", r.Keys, r.Roles["root"])
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v.Form, schemes
}

func TestRealRoots(t *testing.T) {
	base := shared.Testdata(t, "uptane")
	ri := filepath.Join(base, "reference-implementation/samples/metadata_samples_long_expiry/update_to_one_ecu/full_metadata_archive")
	akt := filepath.Join(base, "ota-connect/aktualizr")
	for _, c := range []struct {
		path   string
		form   Form
		scheme KeyIDScheme
	}{
		{filepath.Join(ri, "director/metadata/root.json"), FormOLPC, KeyIDTUF},
		{filepath.Join(ri, "imagerepo/metadata/root.json"), FormOLPC, KeyIDTUF},
		{filepath.Join(akt, "test_data/prov/metadata/director/root.json"), FormJSONSubset, KeyIDSPKI},
		{filepath.Join(akt, "test_data/prov/metadata/repo/root.json"), FormJSONSubset, KeyIDSPKI},
		{filepath.Join(akt, "tuf/sample1/root.json"), "", KeyIDAktualizr},
	} {
		t.Run(filepath.Base(filepath.Dir(c.path)), func(t *testing.T) {
			form, schemes := verifyRootSelf(t, c.path)
			if c.form != "" && form != c.form {
				t.Errorf("form %s, want %s", form, c.form)
			}
			if schemes[c.scheme] == 0 {
				t.Errorf("key ID schemes %v, want some %s", schemes, c.scheme)
			}
		})
	}
}

// TestAktualizrRSAOnlyUnderJSONSubset: the OLPC form alone does not verify
// aktualizr's RSA roots.
func TestAktualizrRSAOnlyUnderJSONSubset(t *testing.T) {
	p := filepath.Join(shared.Testdata(t, "uptane"), "ota-connect/aktualizr/test_data/prov/metadata/director/root.json")
	m := readMeta(t, p)
	r, err := m.Root()
	if err != nil {
		t.Fatal(err)
	}
	olpc, _ := m.Canonical(FormOLPC)
	subset, _ := m.Canonical(FormJSONSubset)
	s := m.Signatures[0]
	k := r.Keys[s.KeyID]
	if VerifySignature(k, s, olpc) {
		t.Error("verified under the OLPC form")
	}
	if !VerifySignature(k, s, subset) {
		t.Error("did not verify under the JSON-subset form")
	}
}

func TestRealTargetsChangedByteFails(t *testing.T) {
	base := shared.Testdata(t, "uptane")
	dir := filepath.Join(base, "reference-implementation/samples/metadata_samples_long_expiry/update_to_one_ecu/full_metadata_archive/director/metadata")
	root, err := readMeta(t, filepath.Join(dir, "root.json")).Root()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "targets.json"))
	m, _ := Decode(b)
	if _, err := m.Verify("targets", root.Keys, root.Roles["targets"]); err != nil {
		t.Fatalf("untouched: %v", err)
	}
	tg, err := m.Targets()
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseCustom(tg.Targets["/TCU1.1.txt"].Custom)
	if err != nil || len(c.ECUs) != 1 {
		t.Fatalf("custom %+v %v", c, err)
	}
	if _, ok := c.ECUs["TCUdemocar"]; !ok {
		t.Errorf("ECUs %v", c.ECUs)
	}
	bad := []byte(strings.Replace(string(b), `"length": 17`, `"length": 18`, 1))
	m2, err := Decode(bad)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m2.Verify("targets", root.Keys, root.Roles["targets"])
	var te *ThresholdError
	if !errors.As(err, &te) || !errors.Is(err, ErrThreshold) {
		t.Fatalf("changed byte: %v", err)
	}
}

func TestSignRoundTrip(t *testing.T) {
	exp := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range []Dialect{DialectTUF, DialectOTA} {
		for _, a := range []Algorithm{Ed25519, ECDSAP256, RSA} {
			t.Run(string(d)+"/"+string(a), func(t *testing.T) {
				k, err := GenerateKey(a, d, nil)
				if err != nil {
					t.Fatal(err)
				}
				other, _ := GenerateKey(Ed25519, d, nil)
				root := Root{Common: Common{Version: 1, Expires: exp},
					Keys:  map[string]*Key{k.ID: k.Public, other.ID: other.Public},
					Roles: map[string]Role{"root": {KeyIDs: []string{k.ID}, Threshold: 1}, "targets": {KeyIDs: []string{k.ID, other.ID}, Threshold: 2}}}
				b, err := Sign(root, d, k)
				if err != nil {
					t.Fatal(err)
				}
				m, err := Decode(b)
				if err != nil {
					t.Fatal(err)
				}
				r, err := m.Root()
				if err != nil {
					t.Fatal(err)
				}
				if err := CheckKeyIDs(r.Keys); err != nil {
					t.Fatal(err)
				}
				v, err := m.Verify("root", r.Keys, r.Roles["root"])
				if err != nil {
					t.Fatal(err)
				}
				if v.Form != FormOf(d) && !v.FormsIdentical {
					t.Errorf("form %s, want %s", v.Form, FormOf(d))
				}
				if !r.Expires.Equal(exp) || r.Version != 1 || m.TypeRaw != "Root" {
					t.Errorf("decoded %+v %q", r.Common, m.TypeRaw)
				}
				// Threshold 2 with the same key twice stays unmet.
				tgt := Targets{Common: Common{Version: 1, Expires: exp}, Targets: map[string]TargetFile{
					"a.bin": {Length: 3, Hashes: Hashes{"sha256": strings.Repeat("0", 64)}, Custom: json.RawMessage(`{"ecuIdentifiers":{"S1":{"hardwareId":"HW"}}}`)}}}
				tb, _ := Sign(tgt, d, k, k)
				tm, _ := Decode(tb)
				tv, err := tm.Verify("targets", r.Keys, r.Roles["targets"])
				if !errors.Is(err, ErrThreshold) || tv.Duplicates != 1 {
					t.Fatalf("duplicate key: %+v %v", tv, err)
				}
				tb, _ = Sign(tgt, d, k, other)
				tm, _ = Decode(tb)
				if _, err := tm.Verify("targets", r.Keys, r.Roles["targets"]); err != nil {
					t.Fatal(err)
				}
				// One changed byte in signed fails.
				tb2 := []byte(strings.Replace(string(tb), `"length": 3`, `"length": 4`, 1))
				if string(tb2) == string(tb) {
					t.Fatal("replacement did not apply")
				}
				tm2, _ := Decode(tb2)
				if _, err := tm2.Verify("targets", r.Keys, r.Roles["targets"]); !errors.Is(err, ErrThreshold) {
					t.Fatalf("tampered: %v", err)
				}
			})
		}
	}
}

func TestBadKeyIDAndThreshold(t *testing.T) {
	k, _ := GenerateKey(Ed25519, DialectTUF, nil)
	if _, err := k.Public.CheckID(strings.Repeat("ab", 32)); !errors.Is(err, ErrBadKeyID) {
		t.Fatalf("want ErrBadKeyID, got %v", err)
	}
	b, _ := Sign(json.RawMessage(`{"_type":"Targets","version":1}`), DialectTUF, k)
	m, _ := Decode(b)
	if _, err := m.Verify("targets", map[string]*Key{k.ID: k.Public}, Role{KeyIDs: []string{k.ID}}); !errors.Is(err, ErrIllegalThreshold) {
		t.Fatalf("threshold 0: %v", err)
	}
}

func TestCanonicalForms(t *testing.T) {
	raw := []byte(`{"b":"x\ny\"\\<","a":[1,true,null],"c":{"z":1,"y":-2}}`)
	for f, want := range map[Form]string{
		FormOLPC:       "{\"a\":[1,true,null],\"b\":\"x\ny\\\"\\\\<\",\"c\":{\"y\":-2,\"z\":1}}",
		FormJSONSubset: `{"a":[1,true,null],"b":"x\ny\"\\<","c":{"y":-2,"z":1}}`,
	} {
		got, err := Canonical(raw, f)
		if err != nil || string(got) != want {
			t.Errorf("%s: %q %v, want %q", f, got, err, want)
		}
	}
	if _, err := Canonical([]byte(`{"a":1.5}`), FormOLPC); !errors.Is(err, ErrMalformed) {
		t.Errorf("float in OLPC: %v", err)
	}
}

func TestParseCustomBothDialects(t *testing.T) {
	for _, c := range []struct {
		raw    string
		serial string
		hw     string
		hwids  []string
		rc     int64
	}{
		{`{"ecuIdentifiers":{"S1":{"hardwareId":"H1"}},"releaseCounter":4}`, "S1", "H1", nil, 4},
		{`{"ecu_serial":"S2","hardware_id":"H2","release_counter":3}`, "S2", "H2", nil, 3},
		{`{"hardwareIds":["A","B"]}`, "", "", []string{"A", "B"}, -1},
		{`{"hardware_ids":["C"],"release_counter":0}`, "", "", []string{"C"}, 0},
	} {
		got, err := ParseCustom(json.RawMessage(c.raw))
		if err != nil {
			t.Fatalf("%s: %v", c.raw, err)
		}
		if c.serial != "" && got.ECUs[c.serial] != c.hw {
			t.Errorf("%s: ECUs %v", c.raw, got.ECUs)
		}
		if strings.Join(got.HardwareIDs, ",") != strings.Join(c.hwids, ",") {
			t.Errorf("%s: hardware IDs %v", c.raw, got.HardwareIDs)
		}
		if (c.rc >= 0) != got.HasReleaseCounter || (c.rc >= 0 && got.ReleaseCounter != c.rc) {
			t.Errorf("%s: release counter %v %d", c.raw, got.HasReleaseCounter, got.ReleaseCounter)
		}
	}
	if _, err := ParseCustom(json.RawMessage(`{"ecu_serial":5}`)); !errors.Is(err, ErrMalformed) {
		t.Errorf("wrong type: %v", err)
	}
}
