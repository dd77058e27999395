package harness

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/evidence/fleet"
	"github.com/craudit/craudit/evidence/transcript"
)

// reportFlags are manifest-client's device report flags.
type reportFlags struct {
	key, dir, unit, campaign string
	priv                     ed25519.PrivateKey
}

// check loads the device key before the attempt (a bad key stops the run
// before anything is installed).
func (r *reportFlags) check(o *verifier.Options) error {
	if r.key == "" && r.dir == "" && r.unit == "" {
		return nil
	}
	if r.key == "" || r.dir == "" || r.unit == "" {
		return errors.New("--device-key, --report-dir and --unit go together")
	}
	if o.StateDir == "" {
		return errors.New("--device-key needs --state (the report counter is kept there)")
	}
	k, err := fleet.LoadDeviceKey(r.key)
	if err != nil {
		return err
	}
	r.priv = k
	return nil
}

// write writes the signed report of one attempt: t the transcript (nil
// when the run could not start), runErr its error.
func (r *reportFlags) write(stderr io.Writer, o verifier.Options, t *transcript.Run, runErr error) error {
	if r.priv == nil {
		return nil
	}
	hw := o.HardwareID
	if hw == "" {
		hw = "unknown"
	}
	installed := o.InstalledVersion
	if installed == "" {
		installed = "unknown"
	}
	rep := fleet.Report{Unit: r.unit, Hardware: hw, Version: installed, Target: "unknown", Campaign: r.campaign,
		Time: time.Now().UTC().Truncate(time.Second)}
	if o.ReferenceTime.Unix() > 0 {
		rep.Time = o.ReferenceTime.UTC().Truncate(time.Second)
	}
	switch {
	case runErr == nil && t != nil:
		rep.Outcome = fleet.OutcomeSuccess
		if v := stateVersion(o.StateDir); v != "" {
			rep.Version = v
		}
		rep.Target = rep.Version
		for _, tg := range t.Targets {
			if tg.Verdict == transcript.Pass && tg.SHA256 != "" && len(rep.Artefacts) < fleet.MaxArtefacts {
				rep.Artefacts = append(rep.Artefacts, fleet.Artefact{Name: filepath.Base(tg.Name), Length: tg.Length, SHA256: tg.SHA256})
			}
		}
	case t != nil && t.Failure != nil:
		rep.Outcome, rep.Control = fleet.OutcomeFailure, string(t.Failure.Control)
		switch t.Failure.Control {
		case transcript.ControlSignature, transcript.ControlFreshness, transcript.ControlRollback, transcript.ControlIntegrity:
			rep.Outcome = fleet.OutcomeRefusedAttack
		}
		if rep.Control == "" {
			rep.Control = "unknown"
		}
	default:
		rep.Outcome, rep.Control = fleet.OutcomeFailure, "could-not-run"
	}
	n, err := fleet.NextCounter(o.StateDir)
	if err != nil {
		return fmt.Errorf("device report counter: %w", err)
	}
	rep.Counter = n
	p, err := fleet.WriteReport(r.dir, &rep, r.priv)
	if err != nil {
		return fmt.Errorf("device report: %w", err)
	}
	fmt.Fprintf(stderr, "device report (%s) written to %s\n", rep.Outcome, p)
	return nil
}

// stateVersion is the version the state folder says is installed.
func stateVersion(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, verifier.ManifestStateFile))
	if err != nil {
		return ""
	}
	var s verifier.ManifestState
	if json.Unmarshal(b, &s) != nil {
		return ""
	}
	return s.Version
}
