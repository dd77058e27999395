package harness

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/evidence/fleet"
	"github.com/craudit/craudit/evidence/transcript"
)

func TestDeviceReportPerAttempt(t *testing.T) {
	dir := t.TempDir()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	keyFile := filepath.Join(dir, "device.key")
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	state := filepath.Join(dir, "state")
	os.MkdirAll(state, 0o755)
	st, _ := json.Marshal(verifier.ManifestState{RollbackCounter: 2, Version: "1.0.1"})
	os.WriteFile(filepath.Join(state, verifier.ManifestStateFile), st, 0o644)
	rf := reportFlags{key: keyFile, dir: filepath.Join(dir, "reports"), unit: "TH-7", campaign: "c1"}
	o := verifier.Options{StateDir: state, HardwareID: "st100", InstalledVersion: "1.0.0", ReferenceTime: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	if err := rf.check(&o); err != nil {
		t.Fatal(err)
	}
	ok := &transcript.Run{Targets: []transcript.Target{{Name: "firmware.tar", Length: 3, SHA256: "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", Verdict: transcript.Pass}}}
	refused := &transcript.Run{Failure: &transcript.Failure{Step: "manifest/rollback", Control: transcript.ControlRollback}}
	for i, tc := range []struct {
		t                          *transcript.Run
		err                        error
		outcome, control, ver, tgt string
	}{
		{ok, nil, fleet.OutcomeSuccess, "", "1.0.1", "1.0.1"},
		{refused, errors.New("refused"), fleet.OutcomeRefusedAttack, "rollback", "1.0.0", "unknown"},
		{&transcript.Run{Failure: &transcript.Failure{Control: transcript.ControlTransport}}, errors.New("x"), fleet.OutcomeFailure, "transport", "1.0.0", "unknown"},
		{nil, errors.New("no state"), fleet.OutcomeFailure, "could-not-run", "1.0.0", "unknown"},
	} {
		if err := rf.write(io.Discard, o, tc.t, tc.err); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(rf.dir, fleet.ReportFileName("TH-7", uint64(i+1))))
		if err != nil {
			t.Fatal(err)
		}
		s, err := fleet.Parse(b)
		if err != nil || !s.Verify(key.Public().(ed25519.PublicKey)) {
			t.Fatalf("report %d: %v", i+1, err)
		}
		if s.Outcome != tc.outcome || s.Control != tc.control || s.Version != tc.ver || s.Target != tc.tgt || s.Campaign != "c1" || s.Hardware != "st100" {
			t.Fatalf("report %d: %+v", i+1, s.Report)
		}
	}
	if err := (&reportFlags{key: keyFile}).check(&o); err == nil {
		t.Fatal("--device-key without --report-dir accepted")
	}
}
