package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks/attack"
	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/attest"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/repo"
	"github.com/craudit/craudit/evidence/transcript"
	"github.com/craudit/craudit/fixtures/thermostat"
	"github.com/craudit/craudit/reports/dossier"
)

// liveSetup is a bundle whose product.yaml declares an updater, and the
// keys that sign live evidence.
type liveSetup struct {
	*releaseInputs
	bundle     string
	updaterSHA string
	vendor     *keys.PrivateKey
	cert       *attest.Certificate
}

func newLiveSetup(t *testing.T) *liveSetup {
	t.Helper()
	in := newReleaseInputs(t)
	// The thermostat's product.yaml declares its own updater; results of
	// that digest count for the product.
	s := &liveSetup{releaseInputs: in, bundle: filepath.Join(t.TempDir(), "bundle"), updaterSHA: thermostat.UpdaterSHA256()}
	if prod, _ := os.ReadFile(in.product); !strings.Contains(string(prod), s.updaterSHA) {
		t.Fatalf("%s does not declare the thermostat updater's digest", in.product)
	}
	if code, _, stderr := craudit(t, in.bundleArgs(s.bundle, nil)...); code != 0 {
		t.Fatalf("bundle: exit %d: %s", code, stderr)
	}
	var err error
	if s.vendor, err = keys.LoadPrivate(in.key); err != nil {
		t.Fatal(err)
	}
	if s.cert, err = attest.LoadCertificate(in.cert, s.vendor.Public()); err != nil {
		t.Fatal(err)
	}
	return s
}

// attackRun is a consistent run of the declared updater, every scenario
// passed except those in vulnerable.
func (s *liveSetup) attackRun(vulnerable ...string) *attackrun.Run {
	r := &attackrun.Run{Schema: attackrun.Schema, Profile: attackrun.ProfileManifest, Client: "sh thermostat-updater.sh",
		Updater: &attackrun.Updater{Name: "thermostat-updater.sh", Path: "thermostat-updater.sh", SHA256: s.updaterSHA}}
	for _, sc := range attack.ForProfile(attack.ProfileManifest) {
		res := attackrun.Result{ID: sc.ID, Title: sc.Title, Step: sc.Step, Control: sc.Control, Expect: sc.Expect, Verdict: attackrun.Pass, Detail: "refused"}
		if sc.Expect == attackrun.Reject {
			res.ExitCode = 1
		}
		for _, v := range vulnerable {
			if v == sc.ID {
				res.Verdict, res.ExitCode, res.Detail = attackrun.Vulnerable, 0, "accepted the hostile repository (exit 0)"
			}
		}
		r.Scenarios = append(r.Scenarios, res)
	}
	r.Summarise()
	return r
}

// results runs check with extra arguments and returns its exit code and
// the status of each check.
func results(t *testing.T, s *liveSetup, extra ...string) (int, map[string]string, map[string]string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "results.json")
	code, _, stderr := craudit(t, append([]string{"check", s.bundle, "--trust", s.root, "--format", "json", "--out", out}, extra...)...)
	var rep struct {
		Results []struct{ Check, Status, Message string } `json:"results"`
	}
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("check %v: exit %d, no results: %v\n%s", extra, code, err, stderr)
	}
	st, msg := map[string]string{}, map[string]string{}
	for _, r := range rep.Results {
		st[r.Check], msg[r.Check] = r.Status, r.Message
	}
	return code, st, msg
}

func liveFile(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "live.json")
	write(t, p, b)
	return p
}

var stepChecks = []string{"attack/check-for-updates", "attack/retrieve", "attack/verify"}

// TestSignedAttackResultsThroughCheck: signed results of the declared
// updater count; a verdict flipped inside the signed payload, a forgery
// re-signed by an unknown key, a forgery signed by the vendor's own key and
// plain JSON fail their checks with exit 1.
func TestSignedAttackResultsThroughCheck(t *testing.T) {
	s := newLiveSetup(t)
	vuln := "attack/manifest-rollback-counter"
	sign := func(r *attackrun.Run, k *keys.PrivateKey, c *attest.Certificate) []byte {
		b, err := attackrun.Sign(r.JSON(), k, c)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	good := sign(s.attackRun(), s.vendor, s.cert)
	honest := sign(s.attackRun(vuln), s.vendor, s.cert)
	// One verdict flipped in the signed payload, the signature kept.
	var env map[string]any
	json.Unmarshal(honest, &env)
	p, _ := base64.StdEncoding.DecodeString(env["payload"].(string))
	env["payload"] = base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(p), `"verdict":"vulnerable"`, `"verdict":"pass"`, 1)))
	flipped, _ := json.Marshal(env)
	forged := s.attackRun(vuln)
	for i := range forged.Scenarios {
		if forged.Scenarios[i].ID == vuln {
			forged.Scenarios[i].Verdict = attackrun.Pass
		}
	}
	forged.Summarise()
	stranger, _ := keys.Generate(keys.ECDSAP256)
	for _, tc := range []struct {
		name  string
		file  []byte
		check string // the check that must fail
		msg   string
	}{
		{"verdict flipped after signing", flipped, "attack/signed-evidence", "does not verify"},
		{"forged, re-signed by an unknown key", sign(forged, stranger, nil), "attack/signed-evidence", stranger.Public().ID()[:16]},
		{"forged, signed by the vendor key", sign(forged, s.vendor, s.cert), "attack/consistent-results", "exited 0 on a scenario it must reject"},
		{"plain JSON", s.attackRun().JSON(), "attack/signed-evidence", "unsigned live evidence"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, st, msg := results(t, s, "--attack-results", liveFile(t, tc.file))
			if code != 1 || st[tc.check] != "fail" || !strings.Contains(msg[tc.check], tc.msg) {
				t.Errorf("exit %d, %s %s %q; want exit 1 and fail with %q", code, tc.check, st[tc.check], msg[tc.check], tc.msg)
			}
			for _, id := range stepChecks {
				if st[id] == "pass" {
					t.Errorf("%s passed on %s", id, tc.name)
				}
			}
		})
	}
	_, st, msg := results(t, s, "--attack-results", liveFile(t, good))
	for _, id := range append(stepChecks, "attack/signed-evidence", "attack/consistent-results", "attack/product-updater") {
		if st[id] != "pass" {
			t.Errorf("signed results of the declared updater: %s %s (%s)", id, st[id], msg[id])
		}
	}
	// bundle takes an attestation; a malformed one is refused, nothing written.
	bad := filepath.Join(t.TempDir(), "b")
	if code, _, stderr := craudit(t, s.bundleArgs(bad, nil, "--attack-results", liveFile(t, good[:len(good)/2]))...); code != 2 || !strings.Contains(stderr, "live.json") {
		t.Errorf("bundle with truncated attack results: exit %d (%s), want 2 naming the file", code, stderr)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("bundle wrote %s for bad input", bad)
	}
}

// TestSignedTranscriptThroughCheck: verify --signing-key writes an
// attestation; a transcript of a repository the product does not declare
// counts for nothing, and an unsigned one fails.
func TestSignedTranscriptThroughCheck(t *testing.T) {
	s := newLiveSetup(t)
	dir, _ := tufRepoDir(t)
	srv, err := repo.Serve(dir, "", "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	at := cmdRefTime.Format(time.RFC3339)
	args := []string{"verify", "--repo", srv.URL, "--trust", filepath.Join(dir, "metadata", "1.root.json"), "--ca", srv.CAPath, "--target", "fw.bin", "--reference-time", at}
	signed, plain := filepath.Join(t.TempDir(), "t.intoto.json"), filepath.Join(t.TempDir(), "t.json")
	if code, _, stderr := craudit(t, append(args, "--signing-key", s.key, "--key-cert", s.releaseInputs.cert, "--out", signed)...); code != 0 {
		t.Fatalf("verify --signing-key: exit %d: %s", code, stderr)
	}
	if code, _, _ := craudit(t, append(args, "--format", "json", "--out", plain)...); code != 0 {
		t.Fatalf("verify --format json: exit %d", code)
	}
	if code, _, _ := craudit(t, append(args, "--signing-key", s.key, "--format", "text")...); code != 2 {
		t.Errorf("verify --signing-key --format text: exit %d, want 2", code)
	}
	b, _ := os.ReadFile(signed)
	f, err := transcript.ReadFile(b)
	if err != nil || !f.Signed() || f.Attestation.Statement.PredicateType != transcript.PredicateType {
		t.Fatalf("verify --signing-key wrote no transcript attestation: %v", err)
	}
	if _, err := f.Attestation.Verify(attest.VerifyOptions{Root: mustPub(t, s.root), Product: "thermo-demo-st100"}); err != nil {
		t.Errorf("the attestation does not verify against the root key: %v", err)
	}
	code, st, msg := results(t, s, "--transcript", signed)
	if code != 1 || st["verifier/signed-evidence"] != "pass" || st["verifier/product-repository"] != "fail" || st["verifier/signature"] == "pass" ||
		!strings.Contains(msg["verifier/signature"], "https://127.0.0.1:PORT") || !strings.Contains(msg["verifier/signature"], "updates.thermo-demo.example") {
		t.Errorf("transcript of another repository: exit %d, %v\n%s", code, st, msg["verifier/signature"])
	}
	code, st, msg = results(t, s, "--transcript", plain)
	if code != 1 || st["verifier/signed-evidence"] != "fail" || !strings.Contains(msg["verifier/transport"], "unsigned live evidence") {
		t.Errorf("unsigned transcript: exit %d, %v %q", code, st, msg["verifier/transport"])
	}
}

func mustPub(t *testing.T, p string) *keys.PublicKey {
	t.Helper()
	k, err := keys.LoadPublic(p)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestDossierVerifyRejudges: dossier verify re-judges with the right
// anchor; without one it exits 1 unless --integrity-only; with a wrong one
// it names both keys; a re-signed dossier with an edited results.json is
// caught by the anchor (another key) or by re-judging (the same key).
func TestDossierVerifyRejudges(t *testing.T) {
	s := newLiveSetup(t)
	good, err := attackrun.Sign(s.attackRun().JSON(), s.vendor, s.cert)
	if err != nil {
		t.Fatal(err)
	}
	d := filepath.Join(t.TempDir(), "dossier")
	if code, _, stderr := craudit(t, "dossier", s.bundle, "--out", d, "--trust", s.root, "--signing-key", s.key, "--key-cert", s.releaseInputs.cert,
		"--attack-results", liveFile(t, good)); code != 1 {
		t.Fatalf("dossier: exit %d, want 1 (no transcript): %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(d, dossier.PolicyFile)); err != nil {
		t.Errorf("the dossier does not enclose its policy: %v", err)
	}
	other, _ := keys.Generate(keys.ECDSAP256)
	otherPub := filepath.Join(t.TempDir(), "other.pub")
	write(t, otherPub, other.Public().MarshalPEM())
	vendorID, rootID := s.vendor.Public().ID()[:16], mustPub(t, s.root).ID()[:16]
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"right anchor", []string{"--trust", s.root}, 0, "all"},
		{"no anchor", nil, 1, "integrity only: signer not authenticated"},
		{"integrity only", []string{"--integrity-only"}, 0, "integrity only: signer not authenticated"},
		{"wrong anchor", []string{"--trust", otherPub}, 1, vendorID},
	} {
		code, _, stderr := craudit(t, append([]string{"dossier", "verify", d}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: exit %d, want %d with %q:\n%s", tc.name, code, tc.code, tc.want, stderr)
		}
		if tc.name == "wrong anchor" && !strings.Contains(stderr, other.Public().ID()[:16]) {
			t.Errorf("wrong anchor: %q does not name the anchor", stderr)
		}
		if tc.name == "right anchor" && !strings.Contains(stderr, "re-judged") {
			t.Errorf("right anchor: %q does not say it re-judged", stderr)
		}
	}
	// An attacker edits results.json, recomputes SHA256SUMS and signs.
	for _, tc := range []struct {
		name   string
		signer *keys.PrivateKey
		want   string
	}{
		{"re-signed by the attacker's key", other, rootID},
		{"re-signed by the vendor's own key", s.vendor, "re-judging differs: verdict"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "d")
			copyTree(t, d, f)
			res, _ := os.ReadFile(filepath.Join(f, "results.json"))
			write(t, filepath.Join(f, "results.json"), []byte(strings.Replace(string(res), `"outcome": "failed"`, `"outcome": "passed"`, 1)))
			resign(t, f, tc.signer)
			if code, _, stderr := craudit(t, "dossier", "verify", f, "--integrity-only"); code != 0 {
				t.Errorf("--integrity-only: exit %d, want 0 (hashes and the enclosed signature are right): %s", code, stderr)
			}
			if code, _, stderr := craudit(t, "dossier", "verify", f, "--trust", s.root); code != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("--trust: exit %d, want 1 with %q:\n%s", code, tc.want, stderr)
			}
		})
	}
}

// resign recomputes SHA256SUMS over every file and signs it with k, which
// replaces signer.pub (and drops the certificate when k is not the vendor).
func resign(t *testing.T, dir string, k *keys.PrivateKey) {
	t.Helper()
	if pub, _ := os.ReadFile(filepath.Join(dir, dossier.SignerPub)); string(pub) != string(k.Public().MarshalPEM()) {
		os.Remove(filepath.Join(dir, dossier.SignerCert))
		os.Remove(filepath.Join(dir, dossier.SignerCert+".sig"))
		write(t, filepath.Join(dir, dossier.SignerPub), k.Public().MarshalPEM())
	}
	var lines []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		rel, _ := filepath.Rel(dir, p)
		if err != nil || fi.IsDir() || rel == dossier.SumsFile || rel == dossier.SumsSigFile {
			return err
		}
		b, _ := os.ReadFile(p)
		sum := sha256.Sum256(b)
		lines = append(lines, hex.EncodeToString(sum[:])+"  "+filepath.ToSlash(rel))
		return nil
	})
	sums := []byte(strings.Join(lines, "\n") + "\n")
	sig, err := k.Sign(sums)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, dossier.SumsFile), sums)
	write(t, filepath.Join(dir, dossier.SumsSigFile), sig)
}
