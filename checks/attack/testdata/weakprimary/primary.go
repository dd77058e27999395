package weakprimary

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/craudit/craudit/checks/verifier/transport"
	"github.com/craudit/craudit/evidence/transcript"
	"github.com/craudit/craudit/evidence/uptane"
)

// Weakness switches one control off (zero: none).
type Weakness struct {
	// SkipCrossCheck never compares the length and hashes the Director
	// gives with the Image repository's, and downloads by the Director's.
	SkipCrossCheck bool
	// IgnoreReleaseCounter neither compares the repositories' release
	// counters nor refuses a counter below the installed one.
	IgnoreReleaseCounter bool
}

// Main runs the protocol; it returns the exit code (0 done, 1 refused or
// failed).
func Main(args []string, w Weakness) int {
	if err := run(args, w); err != nil {
		fmt.Fprintln(os.Stderr, "weakprimary:", err)
		return 1
	}
	return 0
}

type opts struct {
	meta, director, image, targets, dTrust, iTrust string
	ecus                                           map[string]string
	cmd                                            string
}

func parse(args []string) (*opts, error) {
	o := &opts{ecus: map[string]string{}}
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "--") {
			pos = append(pos, a)
			continue
		}
		if i+1 >= len(args) {
			return nil, fmt.Errorf("%s needs a value", a)
		}
		v := args[i+1]
		i++
		switch a {
		case "--metadata-dir":
			o.meta = v
		case "--director-url":
			o.director = v
		case "--image-url":
			o.image = v
		case "--target-dir":
			o.targets = v
		case "--ecu":
			s, h, ok := strings.Cut(v, "=")
			if !ok {
				return nil, fmt.Errorf("--ecu %s: want SERIAL=HARDWARE_ID", v)
			}
			o.ecus[s] = h
		default:
			return nil, fmt.Errorf("unknown flag %s", a)
		}
	}
	if len(pos) > 0 {
		o.cmd = pos[0]
	}
	if o.cmd == "init" {
		if len(pos) != 3 {
			return nil, errors.New("init DIRECTOR-ROOT.json IMAGE-ROOT.json")
		}
		o.dTrust, o.iTrust = pos[1], pos[2]
	}
	if o.meta == "" || len(o.ecus) == 0 {
		return nil, errors.New("--metadata-dir and --ecu are required")
	}
	return o, nil
}

// state is what the Primary keeps between runs beside the two roots.
type state struct {
	Versions map[string]int64 `json:"versions"`
	Counters map[string]int64 `json:"counters"`
}

func run(args []string, w Weakness) error {
	o, err := parse(args)
	if err != nil {
		return err
	}
	switch o.cmd {
	case "init":
		for name, src := range map[string]string{"director": o.dTrust, "image": o.iTrust} {
			b, err := os.ReadFile(src)
			if err != nil {
				return err
			}
			if _, _, err := decodeRoot(b); err != nil {
				return fmt.Errorf("%s trust root: %w", name, err)
			}
			if err := os.WriteFile(filepath.Join(o.meta, name+"-root.json"), b, 0o644); err != nil {
				return err
			}
		}
		return save(o.meta, &state{Versions: map[string]int64{}, Counters: map[string]int64{}})
	case "update":
		return update(o, w)
	}
	return fmt.Errorf("unknown command %q (init or update)", o.cmd)
}

func save(dir string, s *state) error {
	b, _ := json.MarshalIndent(s, "", "  ")
	return writeAtomic(filepath.Join(dir, "state.json"), b)
}

func writeAtomic(p string, b []byte) error {
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, p)
}

// now is the harness's clock (SOURCE_DATE_EPOCH) or the wall clock.
func now() time.Time {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Now().UTC()
}

func decodeRoot(b []byte) (*uptane.Metadata, *uptane.Root, error) {
	m, err := uptane.Decode(b)
	if err != nil {
		return nil, nil, err
	}
	r, err := m.Root()
	return m, r, err
}

// assignment is one Director target for one ECU.
type assignment struct {
	name, serial string
	tf           uptane.TargetFile
	c            *uptane.Custom
}

func update(o *opts, w Weakness) error {
	st := &state{}
	b, err := os.ReadFile(filepath.Join(o.meta, "state.json"))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, st); err != nil {
		return err
	}
	at := now()
	ctx := context.Background()
	c, err := transport.New(ctx, transport.Options{AllowInsecureHTTPUnsafe: true, Timeout: 30 * time.Second, MinRate: 1024, RateGrace: 2 * time.Second})
	if err != nil {
		return err
	}
	defer c.Close()
	roots := map[string][]byte{}
	dt, err := refresh(c, o.meta, "director", o.director, st, at, roots)
	if err != nil {
		return fmt.Errorf("director: %w", err)
	}
	// Director targets: no delegations, each ECU once, every ECU this unit's.
	if dt.Delegations != nil && len(dt.Delegations.Roles) > 0 {
		return errors.New("director: targets metadata has delegations")
	}
	var as []assignment
	seen := map[string]bool{}
	for _, name := range sortedKeys(dt.Targets) {
		tf := dt.Targets[name]
		cu, err := uptane.ParseCustom(tf.Custom)
		if err != nil {
			return fmt.Errorf("director target %s: %w", name, err)
		}
		if len(cu.ECUs) == 0 {
			return fmt.Errorf("director target %s names no ECU", name)
		}
		for serial, hw := range cu.ECUs {
			if seen[serial] {
				return fmt.Errorf("director: ECU %s named twice", serial)
			}
			seen[serial] = true
			want, ok := o.ecus[serial]
			if !ok {
				return fmt.Errorf("director: ECU %s is not one of this unit's", serial)
			}
			if hw != want {
				return fmt.Errorf("director: ECU %s has hardware ID %s, not %q", serial, want, hw)
			}
			as = append(as, assignment{name: name, serial: serial, tf: tf, c: cu})
		}
	}
	if len(as) == 0 {
		return finish(o.meta, st, roots)
	}
	it, err := refresh(c, o.meta, "image", o.image, st, at, roots)
	if err != nil {
		return fmt.Errorf("image repository: %w", err)
	}
	images := map[string][]byte{}
	for _, a := range as {
		itf, ok := it.Targets[a.name]
		if !ok {
			return fmt.Errorf("image %s is not in the image repository", a.name)
		}
		ic, err := uptane.ParseCustom(itf.Custom)
		if err != nil {
			return fmt.Errorf("image target %s: %w", a.name, err)
		}
		if !w.SkipCrossCheck {
			if itf.Length != a.tf.Length || !sameHashes(itf.Hashes, a.tf.Hashes) {
				return fmt.Errorf("image %s: director and image repository disagree on length or hashes", a.name)
			}
		}
		if !slices.Contains(ic.HardwareIDs, o.ecus[a.serial]) {
			return fmt.Errorf("image %s is not built for hardware %s", a.name, o.ecus[a.serial])
		}
		if !w.IgnoreReleaseCounter {
			if !a.c.HasReleaseCounter || !ic.HasReleaseCounter || a.c.ReleaseCounter != ic.ReleaseCounter {
				return fmt.Errorf("image %s: release counters differ or are missing", a.name)
			}
			if a.c.ReleaseCounter < st.Counters[a.serial] {
				return fmt.Errorf("image %s: release counter %d below the installed %d", a.name, a.c.ReleaseCounter, st.Counters[a.serial])
			}
		}
		desc := itf
		if w.SkipCrossCheck {
			desc = a.tf
		}
		data, err := c.Get(strings.TrimSuffix(o.image, "/")+"/targets/"+a.name, "target", desc.Length)
		if err != nil {
			return err
		}
		if int64(len(data)) != desc.Length || !hashesMatch(desc.Hashes, data) {
			return fmt.Errorf("image %s: length or hashes do not match", a.name)
		}
		images[a.serial] = data
		if a.c.HasReleaseCounter {
			st.Counters[a.serial] = a.c.ReleaseCounter
		}
	}
	for _, a := range as {
		if err := os.MkdirAll(o.targets, 0o755); err != nil {
			return err
		}
		if err := writeAtomic(filepath.Join(o.targets, filepath.Base(a.name)), images[a.serial]); err != nil {
			return err
		}
	}
	return finish(o.meta, st, roots)
}

// finish keeps the verified roots and versions.
func finish(dir string, st *state, roots map[string][]byte) error {
	for name, b := range roots {
		if err := writeAtomic(filepath.Join(dir, name+"-root.json"), b); err != nil {
			return err
		}
	}
	return save(dir, st)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sameHashes(a, b uptane.Hashes) bool {
	if len(a) == 0 || len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !strings.EqualFold(b[k], v) {
			return false
		}
	}
	return true
}

func hashesMatch(h uptane.Hashes, data []byte) bool {
	if h["sha256"] == "" {
		return false
	}
	s256 := sha256.Sum256(data)
	if !strings.EqualFold(h["sha256"], hex.EncodeToString(s256[:])) {
		return false
	}
	if v := h["sha512"]; v != "" {
		s512 := sha512.Sum512(data)
		return strings.EqualFold(v, hex.EncodeToString(s512[:]))
	}
	return true
}

const metaLimit = 1 << 20

// refresh walks one repository as TUF 5.3-5.6 does: root chain,
// timestamp, snapshot, targets, each signed, unexpired, not older than
// what was trusted, and matching the version (and hashes) the role above
// names. The new versions go into st; a rotated root into roots.
func refresh(c *transport.Client, dir, name, base string, st *state, at time.Time, roots map[string][]byte) (*uptane.Targets, error) {
	base = strings.TrimSuffix(base, "/") + "/"
	rb, err := os.ReadFile(filepath.Join(dir, name+"-root.json"))
	if err != nil {
		return nil, err
	}
	_, root, err := decodeRoot(rb)
	if err != nil {
		return nil, err
	}
	for n := root.Version + 1; ; n++ {
		b, err := c.Get(fmt.Sprintf("%s%d.root.json", base, n), "root", metaLimit)
		var te *transport.Error
		if errors.As(err, &te) && te.Kind == transcript.KindNotFound {
			break
		}
		if err != nil {
			return nil, err
		}
		m, nr, err := decodeRoot(b)
		if err != nil {
			return nil, err
		}
		if _, err := m.Verify("root", root.Keys, root.Roles["root"]); err != nil {
			return nil, fmt.Errorf("root %d: %w", n, err)
		}
		if _, err := m.Verify("root", nr.Keys, nr.Roles["root"]); err != nil {
			return nil, fmt.Errorf("root %d: %w", n, err)
		}
		if nr.Version != n {
			return nil, fmt.Errorf("root %d holds version %d", n, nr.Version)
		}
		for _, role := range []string{"timestamp", "snapshot"} {
			if !slices.Equal(sortedIDs(root.Roles[role].KeyIDs), sortedIDs(nr.Roles[role].KeyIDs)) {
				// Fast-forward recovery (TUF 5.3.11).
				delete(st.Versions, name+"/timestamp")
				delete(st.Versions, name+"/snapshot")
			}
		}
		root = nr
		roots[name] = b
	}
	if !at.Before(root.Expires) {
		return nil, errors.New("root expired")
	}
	get := func(role, file string, limit int64, meta *uptane.MetaFile) (*uptane.Metadata, error) {
		if meta != nil && meta.Length > 0 {
			limit = meta.Length
		}
		b, err := c.Get(base+file, role, limit)
		if err != nil {
			return nil, err
		}
		if meta != nil && len(meta.Hashes) > 0 && !hashesMatch(meta.Hashes, b) {
			return nil, fmt.Errorf("%s: hashes differ from what the %s names", role, map[string]string{"snapshot": "timestamp", "targets": "snapshot"}[role])
		}
		m, err := uptane.Decode(b)
		if err != nil {
			return nil, err
		}
		if _, err := m.Verify(role, root.Keys, root.Roles[role]); err != nil {
			return nil, fmt.Errorf("%s: %w", role, err)
		}
		return m, nil
	}
	check := func(role string, cm uptane.Common, want int64) error {
		if want > 0 && cm.Version != want {
			return fmt.Errorf("%s version %d, not the %d named", role, cm.Version, want)
		}
		if cm.Version < st.Versions[name+"/"+role] {
			return fmt.Errorf("%s version %d below the trusted %d (rollback)", role, cm.Version, st.Versions[name+"/"+role])
		}
		if !at.Before(cm.Expires) {
			return fmt.Errorf("%s expired %s", role, cm.Expires.Format(time.RFC3339))
		}
		st.Versions[name+"/"+role] = cm.Version
		return nil
	}
	tm, err := get("timestamp", "timestamp.json", 64<<10, nil)
	if err != nil {
		return nil, err
	}
	ts, err := tm.Timestamp()
	if err != nil {
		return nil, err
	}
	if err := check("timestamp", ts.Common, 0); err != nil {
		return nil, err
	}
	sf, ok := ts.Meta["snapshot.json"]
	if !ok {
		return nil, errors.New("timestamp names no snapshot")
	}
	file := "snapshot.json"
	if root.ConsistentSnapshot {
		file = fmt.Sprintf("%d.snapshot.json", sf.Version)
	}
	sm, err := get("snapshot", file, metaLimit, &sf)
	if err != nil {
		return nil, err
	}
	sn, err := sm.Snapshot()
	if err != nil {
		return nil, err
	}
	if err := check("snapshot", sn.Common, sf.Version); err != nil {
		return nil, err
	}
	tf, ok := sn.Meta["targets.json"]
	if !ok {
		return nil, errors.New("snapshot names no targets")
	}
	file = "targets.json"
	if root.ConsistentSnapshot {
		file = fmt.Sprintf("%d.targets.json", tf.Version)
	}
	tgm, err := get("targets", file, metaLimit, &tf)
	if err != nil {
		return nil, err
	}
	tg, err := tgm.Targets()
	if err != nil {
		return nil, err
	}
	if err := check("targets", tg.Common, tf.Version); err != nil {
		return nil, err
	}
	return tg, nil
}

func sortedIDs(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}
