package provenance

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/keys"
)

func TestVerifyReport(t *testing.T) {
	signer, other := testKey(t, keys.ECDSAP256, "report"), testKey(t, keys.ECDSAP256, "report/other")
	line, err := BundleStep(stepOptions(signer))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 24, 0, 0, 0, 0, time.FixedZone("CET", 3600))
	art := Artefact{Name: "thermostat-1.0.1.tar", SHA256: strings.Repeat("a1", 32), SHA512: strings.Repeat("b2", 64)}
	tests := []struct {
		name     string
		data     []byte
		keys     []*keys.PublicKey
		trust    Trust
		verified bool
		problem  string
		text     []string
	}{
		{"verified", line, []*keys.PublicKey{signer.Public()}, Trust{Key: signer.Public().ID()}, true, "",
			[]string{"trust key " + signer.Public().ID(), "reference time 2026-11-23T23:00:00Z", "result VERIFIED"}},
		{"wrong key", line, []*keys.PublicKey{other.Public()}, Trust{Key: other.Public().ID()}, false, "",
			[]string{"result NOT VERIFIED"}},
		{"no trust material", line, nil, Trust{}, false, "",
			[]string{"trust none (nothing can be verified)", "NOT VERIFIED"}},
		{"not provenance", []byte("hello"), []*keys.PublicKey{signer.Public()}, Trust{Key: signer.Public().ID()}, false, "fw.intoto.jsonl: ",
			[]string{"problem fw.intoto.jsonl: ", "NOT VERIFIED"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := VerifyReport("fw.intoto.jsonl", tc.data, VerifyOptions{Keys: tc.keys, Artefacts: []Artefact{art}, At: at}, tc.trust)
			if rep.Verified != tc.verified {
				t.Errorf("verified = %v, want %v (%s)", rep.Verified, tc.verified, rep.Problem)
			}
			if !strings.HasPrefix(rep.Problem, tc.problem) || (tc.problem == "") != (rep.Problem == "") {
				t.Errorf("problem %q, want prefix %q", rep.Problem, tc.problem)
			}
			if rep.Schema != ReportSchema || rep.Artefact != art || !rep.ReferenceTime.Equal(at) || rep.ReferenceTime.Location() != time.UTC {
				t.Errorf("header: %+v", rep)
			}
			var buf bytes.Buffer
			if err := rep.WriteText(&buf); err != nil {
				t.Fatal(err)
			}
			text := strings.Join(strings.Fields(buf.String()), " ") // columns vary with the widest name
			for _, want := range tc.text {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q:\n%s", want, buf.String())
				}
			}
			b, err := rep.JSON()
			if err != nil {
				t.Fatal(err)
			}
			var back map[string]any
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if back["schema"] != ReportSchema || back["verified"] != tc.verified || b[len(b)-1] != '\n' {
				t.Errorf("JSON: %s", b)
			}
		})
	}
}

func TestHashFileAndReadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "fw.bin")
	if err := os.WriteFile(p, []byte("firmware\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := HashFile(p)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("firmware\n"))
	if a.Name != "fw.bin" || a.SHA256 != hex.EncodeToString(sum[:]) || len(a.SHA512) != 128 {
		t.Errorf("HashFile = %+v", a)
	}
	if _, err := HashFile(dir); err == nil {
		t.Error("a folder was hashed as an artefact")
	}
	if b, err := ReadFile(p); err != nil || string(b) != "firmware\n" {
		t.Errorf("ReadFile = %q, %v", b, err)
	}
	big := filepath.Join(dir, "big.jsonl")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFile + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := ReadFile(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ReadFile of %d bytes: %v, want ErrTooLarge", MaxFile+1, err)
	}
}
