package primary

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/transcript"
	"github.com/craudit/craudit/evidence/uptane"
)

// ECU is one of the vehicle's ECUs: its serial and hardware ID.
type ECU struct {
	Serial     string `json:"serial"`
	HardwareID string `json:"hardware_id"`
}

// Limits bound what a hostile repository can make the Primary read.
type Limits struct {
	MaxRootRotations, MaxDelegations               int
	Root, Timestamp, Snapshot, Targets, TargetFile int64
}

// DefaultLimits are go-tuf's defaults for metadata and 1 GiB per image.
var DefaultLimits = Limits{MaxRootRotations: 256, MaxDelegations: 32, Root: 512000, Timestamp: 16384, Snapshot: 2000000, Targets: 5000000, TargetFile: 1 << 30}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	set := func(dst *int64, v int64) {
		if v > 0 {
			*dst = v
		}
	}
	if l.MaxRootRotations > 0 {
		d.MaxRootRotations = l.MaxRootRotations
	}
	if l.MaxDelegations > 0 {
		d.MaxDelegations = l.MaxDelegations
	}
	set(&d.Root, l.Root)
	set(&d.Timestamp, l.Timestamp)
	set(&d.Snapshot, l.Snapshot)
	set(&d.Targets, l.Targets)
	set(&d.TargetFile, l.TargetFile)
	return d
}

// Config is one verification.
type Config struct {
	Director, Image Source
	// DirectorTrust and ImageTrust are the trust anchors (root.json); a
	// root kept in State is used instead when present.
	DirectorTrust, ImageTrust []byte
	// ECUs of the vehicle; Director targets must name only these.
	ECUs []ECU
	// Partial: a Secondary's partial verification (Director targets only;
	// Image is not read unless FetchTargets needs an image).
	Partial bool
	// ReferenceTime judges expiry; it must be set (the caller decides the
	// clock). The constant 1970-01-01T00:00:00Z is a named deviation.
	ReferenceTime time.Time
	Limits        Limits
	// State from an earlier run; nil is a first run.
	State *State
	// FetchTargets downloads every Director target's image from the Image
	// repository and checks it; Outcome.Targets[i].Data holds it.
	FetchTargets bool
	// Run receives the steps; nil records nowhere.
	Run *transcript.Run
}

// RepoOutcome says whether a repository's metadata was trusted.
type RepoOutcome struct {
	Checked bool   `json:"checked"`
	OK      bool   `json:"ok"`
	Err     *Error `json:"-"`
}

// TargetOutcome is one Director target judged.
type TargetOutcome struct {
	Name       string        `json:"name"`
	ECU        string        `json:"ecu,omitempty"`
	HardwareID string        `json:"hardware_id,omitempty"`
	Length     int64         `json:"length"`
	Hashes     uptane.Hashes `json:"hashes"`
	// ImageRole is the Image repository role that listed it.
	ImageRole         string `json:"image_role,omitempty"`
	ReleaseCounter    int64  `json:"release_counter,omitempty"`
	HasReleaseCounter bool   `json:"has_release_counter,omitempty"`
	OK                bool   `json:"ok"`
	Err               *Error `json:"-"`
	Data              []byte `json:"-"`
}

// Outcome of a verification.
type Outcome struct {
	Director, Image RepoOutcome
	Targets         []TargetOutcome
	// Deviations are the IDs of the failed steps that name a deviation
	// from the Standard as deployed (no Director timestamp, no time
	// source, no release counter) rather than an attack refused.
	Deviations []string
	Versions   map[string]int64
	// State is the state to keep when the caller accepts the outcome.
	State *State
}

// OK: both repositories (the Director alone when partial) were trusted and
// every target passed. Deviations do not change it.
func (o *Outcome) OK(partial bool) bool {
	if !o.Director.OK || (!partial && !o.Image.OK) {
		return false
	}
	for _, t := range o.Targets {
		if !t.OK {
			return false
		}
	}
	return true
}

// WriteImages writes every downloaded image into dir (made if absent),
// each named by its path, URL-path-escaped, atomically.
func (o *Outcome) WriteImages(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, t := range o.Targets {
		if t.Data != nil {
			if err := atomicfs.WriteFile(filepath.Join(dir, url.PathEscape(t.Name)), t.Data, 0o644, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// ImageURL is where an Image repository at base serves image name:
// base/targets/NAME, each path segment escaped.
func ImageURL(base, name string) string {
	parts := strings.Split(strings.TrimPrefix(name, "/"), "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.TrimSuffix(base, "/") + "/targets/" + strings.Join(parts, "/")
}

// TranscriptTargets lists the targets for a transcript; images downloaded
// name their URL under imageBase.
func (o *Outcome) TranscriptTargets(imageBase string) []transcript.Target {
	var out []transcript.Target
	for _, t := range o.Targets {
		rec := transcript.Target{Name: t.Name, Length: t.Length, SHA256: t.Hashes["sha256"], SHA512: t.Hashes["sha512"], Role: t.ImageRole, Verdict: transcript.Fail}
		if t.OK {
			rec.Verdict = transcript.Pass
		}
		if t.Data != nil {
			rec.URL = ImageURL(imageBase, t.Name)
		}
		out = append(out, rec)
	}
	return out
}

type primary struct {
	cfg             Config
	lim             Limits
	ref             time.Time
	state, newState *State
	out             *Outcome
	run             *transcript.Run
	// imageConsistent: the Image repository's root asks for consistent
	// snapshots.
	imageConsistent bool
}

func (p *primary) add(s transcript.Step) {
	if p.run != nil {
		p.run.Add(s)
	}
}

func (p *primary) deviation(id string, c transcript.Control, detail string) {
	p.out.Deviations = append(p.out.Deviations, id)
	p.add(transcript.Step{ID: id, Control: c, ENISAStep: 3, Verdict: transcript.Fail, Detail: "deviation from the Uptane Standard: " + detail})
}

// Verify runs full (or partial) verification. The error is non-nil only
// when the Primary could not run (a FatalError from a Source).
func Verify(cfg Config) (*Outcome, error) {
	st := cfg.State
	if st == nil {
		st = &State{Versions: map[string]int64{}, ECUs: map[string]ECUState{}}
	}
	p := &primary{cfg: cfg, lim: cfg.Limits.withDefaults(), ref: cfg.ReferenceTime.UTC(), state: st.clone(), newState: st.clone(), run: cfg.Run,
		out: &Outcome{Versions: map[string]int64{}}}
	p.out.State = p.newState
	// Uptane 5.4.4.1: the time. A constant 1970 time is no time source.
	if p.ref.Unix() <= 0 {
		p.deviation("time/source", transcript.ControlFreshness, "reference time "+p.ref.Format(uptane.TimeFormat)+" is the constant an ECU without a time source reports: nothing can be judged as expired")
	} else {
		p.add(transcript.Step{ID: "time/source", Control: transcript.ControlFreshness, ENISAStep: 3, Verdict: transcript.Pass, Detail: "reference time " + p.ref.Format(uptane.TimeFormat)})
	}
	d := &repo{p: p, name: "director", src: cfg.Director, delegated: map[string]*uptane.Targets{}, loaded: map[string]bool{}}
	dirTargets, err := p.director(d)
	if err != nil {
		return nil, err
	}
	if !cfg.Partial {
		img := &repo{p: p, name: "image", src: cfg.Image, delegated: map[string]*uptane.Targets{}, loaded: map[string]bool{}}
		if err := p.image(img, dirTargets); err != nil {
			return nil, err
		}
	} else {
		p.add(transcript.Step{ID: "image/partial", Control: transcript.ControlIntegrity, ENISAStep: 5, Verdict: transcript.Info,
			Detail: "partial verification (a Secondary's): the Image repository is not checked, Director targets only"})
		if p.out.Director.OK {
			for i := range p.out.Targets {
				if p.out.Targets[i].Err == nil {
					p.out.Targets[i].OK = true
				}
			}
			if cfg.FetchTargets && cfg.Image != nil {
				for i := range p.out.Targets {
					if err := p.fetchTarget(&p.out.Targets[i]); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	if p.out.OK(cfg.Partial) {
		for _, t := range p.out.Targets {
			p.newState.ECUs[t.ECU] = ECUState{Image: t.Name, SHA256: t.Hashes["sha256"], ReleaseCounter: t.ReleaseCounter, HasReleaseCounter: t.HasReleaseCounter}
		}
	}
	return p.out, nil
}

// anchor picks the kept root over the trust file.
func anchor(kept, trust []byte) ([]byte, string) {
	if kept != nil {
		return kept, "state directory"
	}
	return trust, "trust file"
}

// director: Uptane 5.4.4.2 — root chain, timestamp and snapshot when
// published, targets, then the Director's own rules.
func (p *primary) director(d *repo) (map[string]uptane.TargetFile, error) {
	p.out.Director.Checked = true
	setErr := func(e *Error) { p.out.Director.Err = e }
	data, from := anchor(p.state.DirectorRoot, p.cfg.DirectorTrust)
	if e := d.loadAnchor(data, from); e != nil {
		setErr(e)
		return nil, nil
	}
	e, fatal := d.updateRoot()
	if fatal != nil {
		return nil, fatal
	}
	p.newState.DirectorRoot = d.rootRaw
	if e != nil {
		setErr(e)
		return nil, nil
	}
	// A Director that never served a timestamp is the deployed deviation;
	// one that served one before and now does not is withholding it.
	_, hadTS := p.state.Versions["director/timestamp"]
	e, fatal = d.updateTimestamp()
	if fatal != nil {
		return nil, fatal
	}
	if e != nil && e.Class == ClassMissingMetadata && !hadTS {
		p.deviation("director/timestamp-present", transcript.ControlFreshness,
			"the Director publishes no timestamp, as aktualizr and ota-tuf deploy: a frozen Director is not detected")
	} else if e != nil {
		if e.Class == ClassMissingMetadata {
			e = d.fail("timestamp-fetch", transcript.ControlFreshness, 4, "timestamp", 0, ClassMissingMetadata, e.Err)
		}
		setErr(e)
		return nil, nil
	}
	if d.timestamp != nil {
		if e, fatal := d.updateSnapshot(); fatal != nil {
			return nil, fatal
		} else if e != nil {
			if e.Class == ClassMissingMetadata {
				e = d.fail("snapshot-fetch", transcript.ControlRollback, 4, "snapshot", 0, ClassMissingMetadata, e.Err)
			}
			setErr(e)
			return nil, nil
		}
	} else {
		p.deviation("director/snapshot-present", transcript.ControlRollback,
			"the Director publishes no snapshot (nor a timestamp listing one), as aktualizr and ota-tuf deploy: its targets are not bound to a snapshot")
	}
	if e, fatal := d.updateTargets(); fatal != nil {
		return nil, fatal
	} else if e != nil {
		if e.Class == ClassMissingMetadata {
			e = d.fail("targets-fetch", transcript.ControlIntegrity, 4, "targets", 0, ClassMissingMetadata, e.Err)
		}
		setErr(e)
		return nil, nil
	}
	t := d.targets
	// 5.4.4.2 (7): the Director's targets delegate nothing.
	if t.Delegations != nil && (len(t.Delegations.Roles) > 0 || len(t.Delegations.Keys) > 0) {
		setErr(d.fail("no-delegations", transcript.ControlSignature, 5, "targets", t.Version, ClassDirectorDelegation,
			fmt.Errorf("the Director's targets delegate to %d role(s)", len(t.Delegations.Roles))))
		return nil, nil
	}
	d.pass("no-delegations", transcript.ControlSignature, 5, "targets", t.Version, "the Director's targets delegate nothing")
	// Each ECU at most once; the custom fields read.
	names := make([]string, 0, len(t.Targets))
	for n := range t.Targets {
		names = append(names, n)
	}
	sort.Strings(names)
	owner := map[string]string{}
	customs := map[string]*uptane.Custom{}
	for _, n := range names {
		c, err := uptane.ParseCustom(t.Targets[n].Custom)
		if err != nil {
			setErr(d.fail("targets-signature", transcript.ControlSignature, 5, "targets", t.Version, ClassMalformed, fmt.Errorf("target %s: %w", n, err)))
			return nil, nil
		}
		customs[n] = c
		for serial := range c.ECUs {
			if prev, dup := owner[serial]; dup {
				setErr(d.fail("unique-ecu", transcript.ControlApplicability, 5, "targets", t.Version, ClassRepeatedECU,
					fmt.Errorf("ECU %s is named by %s and %s", serial, prev, n)))
				return nil, nil
			}
			owner[serial] = n
		}
	}
	d.pass("unique-ecu", transcript.ControlApplicability, 5, "targets", t.Version, fmt.Sprintf("%d target(s), each ECU named at most once", len(names)))
	p.out.Director.OK = true
	// Per target: the ECUs it names must be the vehicle's, with their
	// hardware IDs (a target failure, not the Director's).
	vehicle := map[string]string{}
	for _, e := range p.cfg.ECUs {
		vehicle[e.Serial] = e.HardwareID
	}
	out := map[string]uptane.TargetFile{}
	for _, n := range names {
		f := t.Targets[n]
		c := customs[n]
		to := TargetOutcome{Name: n, Length: f.Length, Hashes: f.Hashes}
		serials := make([]string, 0, len(c.ECUs))
		for s := range c.ECUs {
			serials = append(serials, s)
		}
		sort.Strings(serials)
		if len(serials) == 0 {
			to.Err = p.targetFail("ecu/present", transcript.ControlApplicability, n, ClassBadECUID, errors.New("the Director's target names no ECU"))
			p.out.Targets = append(p.out.Targets, to)
			continue
		}
		serial := serials[0]
		to.ECU, to.HardwareID = serial, c.ECUs[serial]
		hw, ours := vehicle[serial]
		switch {
		case !ours && p.cfg.Partial:
			p.add(transcript.Step{ID: "ecu/present", Control: transcript.ControlApplicability, ENISAStep: 5, Verdict: transcript.Info, Target: n,
				Detail: "for ECU " + serial + ", not this one (partial verification)"})
			continue
		case !ours:
			to.Err = p.targetFail("ecu/present", transcript.ControlApplicability, n, ClassBadECUID, fmt.Errorf("ECU %s is not one of the vehicle's", serial))
		case c.ECUs[serial] == "":
			p.add(transcript.Step{ID: "ecu/present", Control: transcript.ControlApplicability, ENISAStep: 5, Verdict: transcript.Pass, Target: n, Detail: "ECU " + serial})
			p.add(transcript.Step{ID: "ecu/hardware-id", Control: transcript.ControlApplicability, ENISAStep: 5, Verdict: transcript.Skip, Target: n,
				Detail: "the Director names no hardware ID for ECU " + serial + " (the reference implementation's shape): not compared"})
		case c.ECUs[serial] != hw:
			p.add(transcript.Step{ID: "ecu/present", Control: transcript.ControlApplicability, ENISAStep: 5, Verdict: transcript.Pass, Target: n, Detail: "ECU " + serial})
			to.Err = p.targetFail("ecu/hardware-id", transcript.ControlApplicability, n, ClassBadHardwareID,
				fmt.Errorf("the Director names hardware ID %q for ECU %s, which is %q", c.ECUs[serial], serial, hw))
		default:
			p.add(transcript.Step{ID: "ecu/present", Control: transcript.ControlApplicability, ENISAStep: 5, Verdict: transcript.Pass, Target: n, Detail: "ECU " + serial})
			p.add(transcript.Step{ID: "ecu/hardware-id", Control: transcript.ControlApplicability, ENISAStep: 5, Verdict: transcript.Pass, Target: n, Detail: "hardware ID " + hw})
		}
		if c.HasReleaseCounter {
			to.ReleaseCounter, to.HasReleaseCounter = c.ReleaseCounter, true
		}
		p.out.Targets = append(p.out.Targets, to)
		out[n] = f
	}
	return out, nil
}

func (p *primary) targetFail(id string, c transcript.Control, target string, class Class, err error) *Error {
	e := &Error{Repo: "director", Target: target, Class: class, Control: c, Err: err}
	p.add(transcript.Step{ID: id, Control: c, ENISAStep: 5, Verdict: transcript.Fail, Target: target, Detail: e.Error()})
	return e
}

func (p *primary) targetPass(id string, c transcript.Control, target, detail string) {
	p.add(transcript.Step{ID: id, Control: c, ENISAStep: 5, Verdict: transcript.Pass, Target: target, Detail: detail})
}

// image: Uptane 5.4.4.3 — the Image repository as a TUF client, then the
// cross-repository checks per Director target.
func (p *primary) image(img *repo, dirTargets map[string]uptane.TargetFile) error {
	p.out.Image.Checked = true
	setErr := func(e *Error) { p.out.Image.Err = e }
	data, from := anchor(p.state.ImageRoot, p.cfg.ImageTrust)
	if e := img.loadAnchor(data, from); e != nil {
		setErr(e)
		return nil
	}
	e, fatal := img.updateRoot()
	if fatal != nil {
		return fatal
	}
	p.newState.ImageRoot = img.rootRaw
	p.imageConsistent = img.root != nil && img.root.ConsistentSnapshot
	for _, step := range []func() (*Error, error){img.updateTimestamp, img.updateSnapshot, img.updateTargets} {
		if e != nil {
			break
		}
		e, fatal = step()
		if fatal != nil {
			return fatal
		}
		if e != nil && e.Class == ClassMissingMetadata {
			e = img.fail(e.Role+"-fetch", transcript.ControlIntegrity, 4, e.Role, 0, ClassMissingMetadata, e.Err)
		}
	}
	if e != nil {
		setErr(e)
		return nil
	}
	// Look every Director target up first: a delegated role that cannot
	// be trusted fails the repository.
	found := map[string]*found{}
	names := make([]string, 0, len(dirTargets))
	for n := range dirTargets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f, e, fatal := img.lookup(n)
		if fatal != nil {
			return fatal
		}
		if e != nil {
			setErr(e)
			return nil
		}
		found[n] = f
	}
	p.out.Image.OK = true
	if !p.out.Director.OK {
		return nil
	}
	for i := range p.out.Targets {
		to := &p.out.Targets[i]
		if to.Err != nil {
			continue
		}
		if err := p.cross(to, dirTargets[to.Name], found[to.Name]); err != nil {
			return err
		}
	}
	return nil
}

// Custom fields that are per-vehicle (Director) or per-upload bookkeeping,
// never compared between the repositories.
var notCompared = map[string]bool{uptane.FieldECUIdentifiers: true, uptane.FieldECUSerial: true, uptane.FieldHardwareIDsOTA: true, uptane.FieldHardwareIDs: true,
	uptane.FieldHardwareID: true, "uri": true, "createdAt": true, "updatedAt": true, "targetFormat": true, "name": true, "version": true}

// cross: Uptane 5.4.4.3 (5): the Image repository's target for each
// Director target.
func (p *primary) cross(to *TargetOutcome, d uptane.TargetFile, f *found) error {
	n := to.Name
	integ := transcript.ControlIntegrity
	if f == nil {
		to.Err = p.targetFail("cross/found", integ, n, ClassTargetMismatch, errors.New("the Image repository has no such target through its delegations"))
		return nil
	}
	to.ImageRole = f.role
	p.targetPass("cross/found", integ, n, "listed by the Image repository's role "+f.role)
	if f.file.Length != d.Length {
		to.Err = p.targetFail("cross/length-equal", integ, n, ClassTargetMismatch, fmt.Errorf("length %d at the Director, %d at the Image repository", d.Length, f.file.Length))
		return nil
	}
	p.targetPass("cross/length-equal", integ, n, fmt.Sprintf("%d bytes in both", d.Length))
	if err := sameHashes(d.Hashes, f.file.Hashes); err != nil {
		to.Err = p.targetFail("cross/hashes-equal", integ, n, ClassTargetMismatch, err)
		return nil
	}
	p.targetPass("cross/hashes-equal", integ, n, "the same "+strings.Join(sortedKeys(d.Hashes), ", ")+" in both")
	dc, _ := uptane.ParseCustom(d.Custom)
	ic, err := uptane.ParseCustom(f.file.Custom)
	if err != nil {
		to.Err = p.targetFail("cross/custom-match", integ, n, ClassTargetMismatch, err)
		return nil
	}
	if err := customMatch(to, dc, ic); err != nil {
		to.Err = p.targetFail("cross/custom-match", integ, n, ClassTargetMismatch, err)
		return nil
	}
	p.targetPass("cross/custom-match", integ, n, "hardware ID, release counter and every custom field present in both agree")
	// Release counter: never lower than what the ECU runs.
	if ic.HasReleaseCounter {
		to.ReleaseCounter, to.HasReleaseCounter = ic.ReleaseCounter, true
	}
	if !to.HasReleaseCounter {
		p.add(transcript.Step{ID: "ecu/release-counter", Control: transcript.ControlRollback, ENISAStep: 5, Verdict: transcript.Skip, Target: n,
			Detail: "neither repository gives a release counter for this image"})
		if !contains(p.out.Deviations, "ecu/release-counter-present") {
			p.deviation("ecu/release-counter-present", transcript.ControlRollback,
				"images carry no release counter (aktualizr's and ota-tuf's metadata have none): an older image signed for the same hardware is not refused")
		}
	} else if old, ok := p.state.ECUs[to.ECU]; ok && old.HasReleaseCounter && to.ReleaseCounter < old.ReleaseCounter {
		to.Err = p.targetFail("ecu/release-counter", transcript.ControlRollback, n, ClassReleaseCounter,
			fmt.Errorf("release counter %d is lower than the %d that ECU %s runs", to.ReleaseCounter, old.ReleaseCounter, to.ECU))
		return nil
	} else {
		p.targetPass("ecu/release-counter", transcript.ControlRollback, n, fmt.Sprintf("release counter %d, not lower than the installed one", to.ReleaseCounter))
	}
	to.OK = true
	if p.cfg.FetchTargets {
		return p.fetchTarget(to)
	}
	return nil
}

func customMatch(to *TargetOutcome, dc, ic *uptane.Custom) error {
	if len(ic.HardwareIDs) > 0 && to.HardwareID != "" && !contains(ic.HardwareIDs, to.HardwareID) {
		return fmt.Errorf("hardware ID %q at the Director, %v at the Image repository", to.HardwareID, ic.HardwareIDs)
	}
	if dc.HasReleaseCounter && ic.HasReleaseCounter && dc.ReleaseCounter != ic.ReleaseCounter {
		return fmt.Errorf("release counter %d at the Director, %d at the Image repository", dc.ReleaseCounter, ic.ReleaseCounter)
	}
	for _, k := range sortedKeys(dc.Fields) {
		if notCompared[k] {
			continue
		}
		iv, ok := ic.Fields[k]
		if !ok {
			continue
		}
		a, err1 := uptane.Canonical(dc.Fields[k], uptane.FormJSONSubset)
		b, err2 := uptane.Canonical(iv, uptane.FormJSONSubset)
		if err1 != nil || err2 != nil || string(a) != string(b) {
			return fmt.Errorf("custom field %q is %s at the Director, %s at the Image repository", k, dc.Fields[k], iv)
		}
	}
	return nil
}

// sameHashes: the same algorithms with the same digests (Uptane asks for
// the same hashes; go-tuf's multirepo would accept one common hash).
func sameHashes(a, b uptane.Hashes) error {
	if len(a) == 0 {
		return errors.New("the Director lists no hash")
	}
	for alg, v := range a {
		w, ok := b[alg]
		if !ok {
			return fmt.Errorf("the Image repository lists no %s", alg)
		}
		if !strings.EqualFold(v, w) {
			return fmt.Errorf("%s %s at the Director, %s at the Image repository", alg, v, w)
		}
	}
	for alg := range b {
		if _, ok := a[alg]; !ok {
			return fmt.Errorf("the Director lists no %s", alg)
		}
	}
	return nil
}

// fetchTarget downloads an image from the Image repository and checks it
// against the Director's length and hashes.
func (p *primary) fetchTarget(to *TargetOutcome) error {
	limit := to.Length
	if limit > p.lim.TargetFile {
		limit = p.lim.TargetFile
	}
	name := to.Name
	if p.imageConsistent {
		// Consistent snapshots: images are served as DIR/SHA256.BASE.
		dir, base := path.Split(name)
		name = dir + to.Hashes["sha256"] + "." + base
	}
	data, err := p.cfg.Image.Target(name, limit)
	var fe *FatalError
	switch {
	case errors.As(err, &fe):
		return fe
	case errors.Is(err, ErrTooLarge):
		to.OK, to.Err = false, p.targetFail("target/integrity", transcript.ControlIntegrity, to.Name, ClassOversizedTarget, err)
		return nil
	case err != nil:
		to.OK, to.Err = false, p.targetFail("target/integrity", transcript.ControlIntegrity, to.Name, ClassFetchFailure, err)
		return nil
	}
	if int64(len(data)) != to.Length {
		to.OK, to.Err = false, p.targetFail("target/integrity", transcript.ControlIntegrity, to.Name, ClassTargetHashMismatch, fmt.Errorf("%d bytes, the Director lists %d", len(data), to.Length))
		return nil
	}
	if err := checkHashes(data, to.Hashes); err != nil {
		to.OK, to.Err = false, p.targetFail("target/integrity", transcript.ControlIntegrity, to.Name, ClassTargetHashMismatch, err)
		return nil
	}
	s256 := sha256.Sum256(data)
	to.Data = data
	p.targetPass("target/integrity", transcript.ControlIntegrity, to.Name, fmt.Sprintf("%d bytes, sha256 %s", len(data), hex.EncodeToString(s256[:])))
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
