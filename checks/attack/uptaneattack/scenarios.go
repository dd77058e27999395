package uptaneattack

import (
	"crypto"
	"time"

	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/checks/attack/tufattack"
	"github.com/craudit/craudit/evidence/repo"
)

// Repository names, as plan.Plan.InitRoots keys them.
const (
	Director = "director"
	Image    = "image"
)

// dep is one scenario's deployment: the Director's and the Image
// repository's keys and roots.
type dep struct {
	e        *plan.Env
	dir, img *tufattack.Fix
}

func newDep(e *plan.Env, editDir, editImg tufattack.RootEdit) (*dep, error) {
	d, err := tufattack.NewFix(e.Ref, editDir)
	if err != nil {
		return nil, err
	}
	i, err := tufattack.NewFix(e.Ref, editImg)
	if err != nil {
		return nil, err
	}
	return &dep{e: e, dir: d, img: i}, nil
}

// spec is one served state: both repositories at version v; by default the
// Director assigns image (TargetName, release counter counter) to the Main
// ECU and the Image repository lists it for Main's hardware ID. The
// mutators change either repository after that; hooks change signed bytes.
type spec struct {
	v              int64
	image          []byte
	counter        uint64
	dirMut, imgMut func(r *repo.TUFRepo) error
	dirHook        hooks
	imgHook        hooks
}

func (d *dep) state(sp spec) (*plan.State, error) {
	dr, err := d.dir.Repo(sp.v, nil)
	if err != nil {
		return nil, err
	}
	ir, err := d.img.Repo(sp.v, nil)
	if err != nil {
		return nil, err
	}
	if sp.image != nil {
		if err := assign(dr, plan.TargetName, sp.image, Main, sp.counter); err != nil {
			return nil, err
		}
		if err := list(ir, plan.TargetName, sp.image, []string{Main.HardwareID}, sp.counter); err != nil {
			return nil, err
		}
	}
	if sp.dirMut != nil {
		if err := sp.dirMut(dr); err != nil {
			return nil, err
		}
	}
	if sp.imgMut != nil {
		if err := sp.imgMut(ir); err != nil {
			return nil, err
		}
	}
	files := map[string][]byte{}
	if err := serve(files, DirectorPrefix, dr, sp.dirHook); err != nil {
		return nil, err
	}
	if err := serve(files, ImagePrefix, ir, sp.imgHook); err != nil {
		return nil, err
	}
	return plan.NewState(files), nil
}

// assign makes a Director target: data for ecu.
func assign(r *repo.TUFRepo, name string, data []byte, ecu ECU, counter uint64) error {
	tf, err := repo.UptaneDirectorTarget(name, data, ecu.Serial, ecu.HardwareID, counter)
	if err != nil {
		return err
	}
	r.Targets.Signed.Targets[name] = tf
	return nil
}

// list makes an Image repository target and serves its bytes.
func list(r *repo.TUFRepo, name string, data []byte, hw []string, counter uint64) error {
	tf, err := repo.UptaneImageTarget(name, data, hw, counter)
	if err != nil {
		return err
	}
	r.Targets.Signed.Targets[name] = tf
	r.Files[name] = data
	return nil
}

// baseline serves both repositories at version 2, the Main ECU assigned
// the baseline release A.
func (d *dep) baseline() (*plan.State, error) {
	return d.state(spec{v: 2, image: d.e.A, counter: CounterA})
}

func (d *dep) plan(base, at *plan.State, want []byte) *plan.Plan {
	return &plan.Plan{Baseline: base, Attack: at, BaseWant: d.e.A, Want: want,
		InitRoot:  d.dir.RootHist[0],
		InitRoots: map[string][]byte{Director: d.dir.RootHist[0], Image: d.img.RootHist[0]}}
}

// start makes a deployment and its baseline.
func start(e *plan.Env, editDir, editImg tufattack.RootEdit) (*dep, *plan.State, error) {
	d, err := newDep(e, editDir, editImg)
	if err != nil {
		return nil, nil, err
	}
	base, err := d.baseline()
	return d, base, err
}

// attack builds a reject scenario: the attack state from sp (version 3
// unless given), hostile bytes chosen by bad from the served files.
func attack(sp spec, bad func(d *dep, files map[string][]byte) [][]byte) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		d, base, err := start(e, nil, nil)
		if err != nil {
			return nil, err
		}
		if sp.v == 0 {
			sp.v = 3
		}
		at, err := d.state(sp)
		if err != nil {
			return nil, err
		}
		return d.plan(base, at.Bad(bad(d, at.Files)...), nil), nil
	}
}

// dirTargets is the attack's Director targets metadata (and the attacker's image).
func dirTargets(d *dep, files map[string][]byte) [][]byte {
	return [][]byte{files[DirectorPrefix+"targets.json"], d.e.X}
}

// ValidUpdate: both repositories at version 3, the Main ECU assigned B.
func ValidUpdate(e *plan.Env) (*plan.Plan, error) {
	d, base, err := start(e, nil, nil)
	if err != nil {
		return nil, err
	}
	at, err := d.state(spec{v: 3, image: e.B, counter: CounterB})
	if err != nil {
		return nil, err
	}
	return d.plan(base, at, e.B), nil
}

// withX is a spec assigning the attacker's image X at a higher counter.
func withX(e *plan.Env) spec { return spec{image: e.X, counter: CounterB} }

// DirectorFreeze serves the attacker's assignment under expired Director
// metadata of role (timestamp or targets).
func DirectorFreeze(role string) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		sp := withX(e)
		past := e.Ref.Add(-time.Hour)
		sp.dirMut = func(r *repo.TUFRepo) error {
			if role == metadata.TIMESTAMP {
				r.Timestamp.Signed.Expires = past
			} else {
				r.Targets.Signed.Expires = past
			}
			return nil
		}
		return attack(sp, dirTargets)(e)
	}
}

// ImageFreeze serves the attacker's image under expired Image repository
// metadata of role, and a Director that assigns it.
func ImageFreeze(role string) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		sp := withX(e)
		past := e.Ref.Add(-time.Hour)
		sp.imgMut = func(r *repo.TUFRepo) error {
			if role == metadata.TIMESTAMP {
				r.Timestamp.Signed.Expires = past
			} else {
				r.Targets.Signed.Expires = past
			}
			return nil
		}
		return attack(sp, func(d *dep, f map[string][]byte) [][]byte {
			return [][]byte{f[ImagePrefix+"targets.json"], d.e.X}
		})(e)
	}
}

// DirectorReplay replays the Director's version-1 metadata, made before
// the baseline and still unexpired, assigning an older release.
func DirectorReplay(e *plan.Env) (*plan.Plan, error) {
	d, base, err := start(e, nil, nil)
	if err != nil {
		return nil, err
	}
	old, err := d.state(spec{v: 1, image: e.X, counter: CounterOld})
	if err != nil {
		return nil, err
	}
	at := plan.NewState(map[string][]byte{})
	for k, v := range base.Files {
		at.Files[k] = v
	}
	for _, role := range []string{metadata.TIMESTAMP, metadata.SNAPSHOT, metadata.TARGETS} {
		for _, p := range metaPaths(old.Files, DirectorPrefix, role) {
			at.Files[p] = old.Files[p]
		}
	}
	// The older release is still in the Image repository (as it was then).
	for _, p := range targetPaths(old.Files, plan.TargetName) {
		if _, ok := at.Files[p]; !ok {
			at.Files[p] = old.Files[p]
		}
	}
	at.Bad(old.Files[DirectorPrefix+"targets.json"], old.Files[DirectorPrefix+"timestamp.json"], e.X)
	return d.plan(base, at, nil), nil
}

// DirectorRollbackTargets serves a new Director timestamp and snapshot
// that list targets version 1, assigning an older release.
func DirectorRollbackTargets(e *plan.Env) (*plan.Plan, error) {
	sp := spec{image: e.X, counter: CounterOld}
	sp.dirMut = func(r *repo.TUFRepo) error { r.Targets.Signed.Version = 1; return nil }
	return attack(sp, dirTargets)(e)
}

// ImageRollbackTimestamp replays the Image repository's version-1
// timestamp, made before the baseline.
func ImageRollbackTimestamp(e *plan.Env) (*plan.Plan, error) {
	d, base, err := start(e, nil, nil)
	if err != nil {
		return nil, err
	}
	old, err := d.state(spec{v: 1, image: e.X, counter: CounterOld})
	if err != nil {
		return nil, err
	}
	at := plan.NewState(map[string][]byte{})
	for k, v := range base.Files {
		at.Files[k] = v
	}
	for _, role := range []string{metadata.TIMESTAMP, metadata.SNAPSHOT, metadata.TARGETS} {
		for _, p := range metaPaths(old.Files, ImagePrefix, role) {
			at.Files[p] = old.Files[p]
		}
	}
	at.Bad(old.Files[ImagePrefix+"timestamp.json"], old.Files[ImagePrefix+"targets.json"])
	return d.plan(base, at, nil), nil
}

// ImageFastForward: a compromised Image timestamp key pushed version 1000
// and the client took it; the Image root then rotates the timestamp key and
// versions start again. A secure client recovers and installs the update.
func ImageFastForward(e *plan.Env) (*plan.Plan, error) {
	d, err := newDep(e, nil, nil)
	if err != nil {
		return nil, err
	}
	base, err := d.state(spec{v: 2, image: e.A, counter: CounterA, imgMut: func(r *repo.TUFRepo) error { r.Timestamp.Signed.Version = 1000; return nil }})
	if err != nil {
		return nil, err
	}
	kt, err := tufattack.NewKey()
	if err != nil {
		return nil, err
	}
	if _, err := d.img.Rotate(func(r *metadata.Metadata[metadata.RootType]) error {
		return tufattack.SetRoleKey(r, metadata.TIMESTAMP, kt)
	}, d.img.Keys[metadata.ROOT]...); err != nil {
		return nil, err
	}
	d.img.Keys[metadata.TIMESTAMP] = []crypto.Signer{kt}
	at, err := d.state(spec{v: 3, image: e.B, counter: CounterB, imgMut: func(r *repo.TUFRepo) error { r.Timestamp.Signed.Version = 1; return nil }})
	if err != nil {
		return nil, err
	}
	return d.plan(base, at, e.B), nil
}

// DirectorRootRotation: the Director's root rotates the targets key,
// signed by the old and the new root key; the update installs.
func DirectorRootRotation(e *plan.Env) (*plan.Plan, error) {
	d, base, err := start(e, nil, nil)
	if err != nil {
		return nil, err
	}
	kr, err := tufattack.NewKey()
	if err != nil {
		return nil, err
	}
	kt, err := tufattack.NewKey()
	if err != nil {
		return nil, err
	}
	oldRoot := d.dir.Keys[metadata.ROOT][0]
	if _, err := d.dir.Rotate(func(r *metadata.Metadata[metadata.RootType]) error {
		if err := tufattack.SetRoleKey(r, metadata.ROOT, kr); err != nil {
			return err
		}
		return tufattack.SetRoleKey(r, metadata.TARGETS, kt)
	}, oldRoot, kr); err != nil {
		return nil, err
	}
	d.dir.Keys[metadata.ROOT], d.dir.Keys[metadata.TARGETS] = []crypto.Signer{kr}, []crypto.Signer{kt}
	at, err := d.state(spec{v: 3, image: e.B, counter: CounterB})
	if err != nil {
		return nil, err
	}
	return d.plan(base, at, e.B), nil
}

// ForECU has the Director assign the attacker's image to ecus (none of
// them the Main ECU: another unit's, or the Main serial under another
// ECU's hardware ID); the Image repository lists the image for their
// hardware IDs.
func ForECU(ecus ...ECU) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		sp := spec{}
		sp.dirMut = func(r *repo.TUFRepo) error {
			for i, ecu := range ecus {
				name := plan.TargetName
				if i > 0 {
					name = ecu.Serial + "-" + plan.TargetName
				}
				if err := assign(r, name, e.X, ecu, CounterB); err != nil {
					return err
				}
			}
			return nil
		}
		sp.imgMut = func(r *repo.TUFRepo) error {
			for i, ecu := range ecus {
				name := plan.TargetName
				if i > 0 {
					name = ecu.Serial + "-" + plan.TargetName
				}
				if err := list(r, name, e.X, []string{ecu.HardwareID}, CounterB); err != nil {
					return err
				}
			}
			return nil
		}
		return attack(sp, dirTargets)(e)
	}
}

// ImageHardwareMismatch: the Director assigns the image to the Main ECU
// with Main's hardware ID, but the Image repository lists it as built for
// the Wi-Fi module's hardware.
func ImageHardwareMismatch(e *plan.Env) (*plan.Plan, error) {
	sp := withX(e)
	sp.imgMut = func(r *repo.TUFRepo) error { return list(r, plan.TargetName, e.X, []string{WiFi.HardwareID}, CounterB) }
	return attack(sp, dirTargets)(e)
}

// DirectorDelegations: the Director's targets delegate to a role that
// lists the attacker's image.
func DirectorDelegations(e *plan.Env) (*plan.Plan, error) {
	sp := spec{}
	sp.dirMut = func(r *repo.TUFRepo) error {
		k, err := tufattack.NewKey()
		if err != nil {
			return err
		}
		if err := r.Delegate("fleet", k, []string{"*"}, false, e.Ref.Add(tufattack.Expiry.Targets)); err != nil {
			return err
		}
		tf, err := repo.UptaneDirectorTarget(plan.TargetName, e.X, Main.Serial, Main.HardwareID, CounterB)
		if err != nil {
			return err
		}
		r.Delegated["fleet"].Signed.Targets[plan.TargetName] = tf
		return nil
	}
	sp.imgMut = func(r *repo.TUFRepo) error { return list(r, plan.TargetName, e.X, []string{Main.HardwareID}, CounterB) }
	return attack(sp, func(d *dep, f map[string][]byte) [][]byte {
		return [][]byte{f[DirectorPrefix+"targets.json"], f[DirectorPrefix+"fleet.json"], d.e.X}
	})(e)
}

// DirectorRepeatedECU: two Director targets name the Main ECU.
func DirectorRepeatedECU(e *plan.Env) (*plan.Plan, error) {
	sp := withX(e)
	sp.dirMut = func(r *repo.TUFRepo) error { return assign(r, "second-"+plan.TargetName, e.B, Main, CounterB) }
	sp.imgMut = func(r *repo.TUFRepo) error {
		return list(r, "second-"+plan.TargetName, e.B, []string{Main.HardwareID}, CounterB)
	}
	return attack(sp, dirTargets)(e)
}

// DirectorUntrustedKey: the Director's targets are signed by a key its
// root does not list.
func DirectorUntrustedKey(e *plan.Env) (*plan.Plan, error) {
	sp := withX(e)
	sp.dirMut = func(r *repo.TUFRepo) error {
		k, err := tufattack.NewKey()
		r.Keys[metadata.TARGETS] = []crypto.Signer{k}
		return err
	}
	return attack(sp, dirTargets)(e)
}

// ImageUntrustedKey: a compromised Director assigns the attacker's image,
// and the Image repository's targets listing it are signed by a key the
// Image root does not list.
func ImageUntrustedKey(e *plan.Env) (*plan.Plan, error) {
	sp := withX(e)
	sp.imgMut = func(r *repo.TUFRepo) error {
		k, err := tufattack.NewKey()
		r.Keys[metadata.TARGETS] = []crypto.Signer{k}
		return err
	}
	return attack(sp, func(d *dep, f map[string][]byte) [][]byte {
		return [][]byte{f[ImagePrefix+"targets.json"], d.e.X}
	})(e)
}

// DirectorBadSignature: the Director's targets carry a signature that does
// not verify.
func DirectorBadSignature(e *plan.Env) (*plan.Plan, error) {
	sp := withX(e)
	sp.dirHook = hooks{metadata.TARGETS: tufattack.CorruptTargetsSignature}
	return attack(sp, dirTargets)(e)
}

// DirectorBelowThreshold: the Director's root requires two targets
// signatures; the attack's targets carry one.
func DirectorBelowThreshold(e *plan.Env) (*plan.Plan, error) {
	d, err := newDep(e, tufattack.TwoTargetKeys, nil)
	if err != nil {
		return nil, err
	}
	base, err := d.baseline()
	if err != nil {
		return nil, err
	}
	sp := withX(e)
	sp.v = 3
	sp.dirMut = func(r *repo.TUFRepo) error {
		r.Keys[metadata.TARGETS] = r.Keys[metadata.TARGETS][:1]
		return nil
	}
	at, err := d.state(sp)
	if err != nil {
		return nil, err
	}
	return d.plan(base, at.Bad(dirTargets(d, at.Files)...), nil), nil
}

// ImageMissing: a compromised Director assigns an image the Image
// repository does not list; the attacker serves it under the name and
// hashes the Director gives.
func ImageMissing(e *plan.Env) (*plan.Plan, error) {
	const name = "firmware-6.6.6.bin"
	sp := spec{}
	sp.dirMut = func(r *repo.TUFRepo) error { return assign(r, name, e.X, Main, CounterB) }
	sp.imgMut = func(r *repo.TUFRepo) error { return list(r, plan.TargetName, e.B, []string{Main.HardwareID}, CounterB) }
	return attack(sp, func(d *dep, f map[string][]byte) [][]byte {
		putTarget(f, ImagePrefix, name, e.X)
		return dirTargets(d, f)
	})(e)
}

// mixServe serves x under its own consistent-snapshot names of
// TargetName (beside whatever else is served there).
func mixServe(f map[string][]byte, x []byte) {
	tmp := map[string][]byte{}
	putTarget(tmp, ImagePrefix, plan.TargetName, x)
	for k, v := range tmp {
		if k == ImagePrefix+"targets/"+plan.TargetName {
			continue
		}
		f[k] = v
	}
}

// MixAndMatch: the Director assigns the attacker's image (its hashes; with
// length "same" of the valid update's length, else longer) while the Image
// repository lists the valid update under the same name; the attacker's
// file is served under its own hash names and the plain name.
func MixAndMatch(kind string) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		x := e.X
		if kind == "length" {
			x = append(append([]byte(nil), e.X...), "appended by the attacker\n"...)
		}
		sp := spec{}
		sp.dirMut = func(r *repo.TUFRepo) error { return assign(r, plan.TargetName, x, Main, CounterB) }
		sp.imgMut = func(r *repo.TUFRepo) error { return list(r, plan.TargetName, e.B, []string{Main.HardwareID}, CounterB) }
		return attack(sp, func(d *dep, f map[string][]byte) [][]byte {
			mixServe(f, x)
			f[ImagePrefix+"targets/"+plan.TargetName] = x
			return [][]byte{f[DirectorPrefix+"targets.json"], x}
		})(e)
	}
}

// CounterMismatch: both repositories list the valid update with the same
// hashes, but the Director's release counter differs from the Image
// repository's (a "SHALL match" custom field).
func CounterMismatch(e *plan.Env) (*plan.Plan, error) {
	sp := spec{}
	sp.dirMut = func(r *repo.TUFRepo) error { return assign(r, plan.TargetName, e.B, Main, CounterB+2) }
	sp.imgMut = func(r *repo.TUFRepo) error { return list(r, plan.TargetName, e.B, []string{Main.HardwareID}, CounterB) }
	return attack(sp, func(d *dep, f map[string][]byte) [][]byte {
		return [][]byte{f[DirectorPrefix+"targets.json"]}
	})(e)
}

// CounterRollback: both repositories, validly signed and newer, assign an
// older release whose release counter is below the installed one's.
func CounterRollback(e *plan.Env) (*plan.Plan, error) {
	return attack(spec{image: e.X, counter: CounterOld}, dirTargets)(e)
}

// ImageSubstituted: both repositories list the valid update; the served
// file is the attacker's, of the same length.
func ImageSubstituted(e *plan.Env) (*plan.Plan, error) {
	return attack(spec{image: e.B, counter: CounterB}, func(d *dep, f map[string][]byte) [][]byte {
		for _, p := range targetPaths(f, plan.TargetName) {
			f[p] = e.X
		}
		return [][]byte{e.X}
	})(e)
}

// Misbehave serves the valid update with the paths of one repository's
// role ("targets" metadata, or the image itself: "image") misbehaving.
func Misbehave(repoPrefix, role, kind string) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		d, base, err := start(e, nil, nil)
		if err != nil {
			return nil, err
		}
		at, err := d.state(spec{v: 3, image: e.B, counter: CounterB})
		if err != nil {
			return nil, err
		}
		paths := metaPaths(at.Files, repoPrefix, role)
		if role == "image" {
			paths = targetPaths(at.Files, plan.TargetName)
		}
		for _, p := range paths {
			at.Special[p] = plan.Special{Kind: kind}
		}
		return d.plan(base, at, nil), nil
	}
}
