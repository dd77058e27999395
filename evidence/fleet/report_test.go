package fleet

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func sampleReport() Report {
	return Report{Unit: "TH-0001", Hardware: "st100-rev-b", Version: "1.0.1", Target: "1.0.1",
		Artefacts: []Artefact{{Name: "firmware-1.0.1.tar", Length: 10240, SHA256: strings.Repeat("ab", 32)}},
		Outcome:   OutcomeSuccess, Counter: 7, Time: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Campaign: "c-2026-12"}
}

func TestSignParseRoundTrip(t *testing.T) {
	key := testKey(1)
	r := sampleReport()
	b, err := r.Sign(key)
	if err != nil {
		t.Fatal(err)
	}
	want := "craudit-device-report v1\nunit TH-0001\nhardware st100-rev-b\nversion 1.0.1\ntarget 1.0.1\n" +
		"artefact firmware-1.0.1.tar 10240 " + strings.Repeat("ab", 32) + "\noutcome success\ncounter 7\n" +
		"time 2026-12-01T10:00:00Z\ncampaign c-2026-12\ned25519 "
	if !strings.HasPrefix(string(b), want) {
		t.Fatalf("encoding:\n%s", b)
	}
	s, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Verify(key.Public().(ed25519.PublicKey)) {
		t.Fatal("own signature does not verify")
	}
	if s.Verify(testKey(2).Public().(ed25519.PublicKey)) {
		t.Fatal("verifies with another key")
	}
	again, err := s.Report.Sign(key)
	if err != nil || !bytes.Equal(again, b) {
		t.Fatalf("re-encoding differs: %v", err)
	}
	// Every single flipped byte either breaks the decoding or the signature.
	for i := range b {
		c := bytes.Clone(b)
		c[i] ^= 0x01
		if s, err := Parse(c); err == nil && s.Verify(key.Public().(ed25519.PublicKey)) {
			t.Fatalf("flipped byte %d still verifies", i)
		}
	}
}

func TestParseRejects(t *testing.T) {
	key := testKey(1)
	r := sampleReport()
	good, _ := r.Sign(key)
	g := string(good)
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "unexpected end"},
		{"wrong magic", strings.Replace(g, "v1", "v2", 1), "first line"},
		{"CRLF", strings.ReplaceAll(g, "\n", "\r\n"), "first line"},
		{"field order", strings.Replace(g, "unit TH-0001\nhardware st100-rev-b\n", "hardware st100-rev-b\nunit TH-0001\n", 1), "want the unit line"},
		{"double space", strings.Replace(g, "unit TH", "unit  TH", 1), "not 1-"},
		{"leading zero counter", strings.Replace(g, "counter 7", "counter 07", 1), "canonical"},
		{"zero counter", strings.Replace(g, "counter 7", "counter 0", 1), "counter 0"},
		{"huge counter", strings.Replace(g, "counter 7", "counter 99999999999999999999", 1), "canonical"},
		{"time zone", strings.Replace(g, "10:00:00Z", "10:00:00+01:00", 1), "time"},
		{"bad outcome", strings.Replace(g, "outcome success", "outcome maybe", 1), "outcome"},
		{"uppercase hash", strings.Replace(g, strings.Repeat("ab", 32), strings.Repeat("AB", 32), 1), "artefact"},
		{"trailing bytes", g + "x", "after the signature"},
		{"no signature", g[:strings.Index(g, "ed25519 ")], "end of report"},
		{"short signature", g[:strings.Index(g, "ed25519 ")] + "ed25519 AAAA\n", "signature"},
		{"success with control", strings.Replace(g, "outcome success\n", "outcome success\ncontrol x\n", 1), "after a success"},
		{"long line", "craudit-device-report v1\nunit " + strings.Repeat("a", MaxReportBytes) + "\n", "over"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in))
			if err == nil || !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want malformed with %q", err, tc.want)
			}
		})
	}
}

func TestValidateOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*Report)
		wantOK bool
	}{
		{"success", func(*Report) {}, true},
		{"rollback to old", func(r *Report) { r.Outcome, r.Version, r.Control = OutcomeRollback, "1.0.0", "boot-check" }, true},
		{"failure without control", func(r *Report) { r.Outcome, r.Version = OutcomeFailure, "1.0.0" }, true},
		{"refused attack needs control", func(r *Report) { r.Outcome, r.Version = OutcomeRefusedAttack, "1.0.0" }, false},
		{"refused attack", func(r *Report) { r.Outcome, r.Version, r.Control = OutcomeRefusedAttack, "1.0.0", "anti-rollback" }, true},
		{"success elsewhere", func(r *Report) { r.Version = "1.0.0" }, false},
		{"space in unit", func(r *Report) { r.Unit = "TH 1" }, false},
		{"nanoseconds", func(r *Report) { r.Time = r.Time.Add(1) }, false},
		{"no time", func(r *Report) { r.Time = time.Time{} }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := sampleReport()
			tc.edit(&r)
			err := r.Validate()
			if (err == nil) != tc.wantOK {
				t.Fatalf("Validate: %v", err)
			}
		})
	}
}

func TestDecoderStream(t *testing.T) {
	key := testKey(3)
	var all bytes.Buffer
	for i := uint64(1); i <= 5; i++ {
		r := sampleReport()
		r.Counter = i
		b, _ := r.Sign(key)
		all.Write(b)
	}
	d := NewDecoder(&all)
	n := 0
	for {
		s, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if s.Counter != uint64(n) || !s.Verify(key.Public().(ed25519.PublicKey)) {
			t.Fatalf("report %d: counter %d", n, s.Counter)
		}
	}
	if n != 5 {
		t.Fatalf("%d reports", n)
	}
	d = NewDecoder(strings.NewReader("craudit-device-report v1\nunit x\n"))
	if _, err := d.Next(); !errors.Is(err, ErrMalformed) {
		t.Fatalf("truncated stream: %v", err)
	}
	if _, err := d.Next(); err != io.EOF {
		t.Fatalf("after malformed: %v", err)
	}
}

// TestOpenSSLSigns checks that a report signed by openssl (as the demo
// thermostat's shell updater signs) verifies.
func TestOpenSSLSigns(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl not installed")
		}
		t.Skip("openssl not installed")
	}
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "device.key")
	if out, err := exec.Command(openssl, "genpkey", "-algorithm", "ed25519", "-out", keyFile).CombinedOutput(); err != nil {
		t.Fatalf("genpkey: %v %s", err, out)
	}
	pubDER, err := exec.Command(openssl, "pkey", "-in", keyFile, "-pubout", "-outform", "DER").Output()
	if err != nil {
		t.Fatal(err)
	}
	r := sampleReport()
	body, _ := r.Body()
	bodyFile := filepath.Join(dir, "body")
	if err := os.WriteFile(bodyFile, body, 0o600); err != nil {
		t.Fatal(err)
	}
	sig, err := exec.Command(openssl, "pkeyutl", "-sign", "-rawin", "-inkey", keyFile, "-in", bodyFile).Output()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(AppendSignature(body, sig))
	if err != nil {
		t.Fatal(err)
	}
	pub := ed25519.PublicKey(pubDER[len(pubDER)-ed25519.PublicKeySize:])
	if !s.Verify(pub) {
		t.Fatal("openssl's signature does not verify")
	}
}

func BenchmarkVerify(b *testing.B) {
	key := testKey(4)
	r := sampleReport()
	raw, _ := r.Sign(key)
	pub := key.Public().(ed25519.PublicKey)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s, err := Parse(raw)
			if err != nil || !s.Verify(pub) {
				b.Fail()
			}
		}
	})
}

func FuzzParse(f *testing.F) {
	key := testKey(5)
	r := sampleReport()
	good, _ := r.Sign(key)
	f.Add(good)
	r.Outcome, r.Version, r.Control, r.Campaign, r.Artefacts = OutcomeRefusedAttack, "1.0.0", "anti-rollback", "", nil
	good2, _ := r.Sign(key)
	f.Add(good2)
	f.Add([]byte("craudit-device-report v1\n"))
	pub := key.Public().(ed25519.PublicKey)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not typed: %v", err)
			}
			return
		}
		// Canonical: re-encoding gives the signed bytes exactly.
		body, err := s.Report.Body()
		if err != nil || !bytes.Equal(body, s.Body) {
			t.Fatalf("decoded report does not re-encode to its body: %v", err)
		}
		if s.Verify(pub) && !bytes.Equal(b, good) && !bytes.Equal(b, good2) {
			t.Fatal("a changed report verifies")
		}
	})
}

func FuzzParseRegistry(f *testing.F) {
	pub := EncodeEd25519(testKey(1).Public().(ed25519.PublicKey))
	f.Add([]byte("unit,hardware,batch,public_key\nTH-1,st100,b1," + pub + "\n"))
	f.Add([]byte(`{"schema":"craudit.fleet-devices/v1","devices":[{"unit":"a","hardware":"h","public_key":"` + pub + `"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		reg, err := ParseRegistry("r", b)
		if err != nil {
			var re *RegistryError
			if !errors.As(err, &re) {
				t.Fatalf("error not typed: %v", err)
			}
			return
		}
		for _, d := range reg.Devices() {
			if d.PEM == nil || d.Unit == "" || d.Hardware == "" {
				t.Fatalf("device accepted half-decoded: %+v", d)
			}
		}
	})
}
