package toolattack

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/checks/attack/toolattack/toolkit"
	"github.com/craudit/craudit/evidence/attackrun"
)

// OSTree: an archive repository served as it is on disk; the device pulls
// the vendor's ref with gpg-verify and checks the commit out into its
// deploy folder.
const (
	ostreeRef      = "thermo/" + plan.DeviceHardware
	ostreeOtherRef = "thermo/tx-200"
	ostreeRemote   = "vendor"
	ostreeFile     = "firmware.bin"
)

// ostreeFix is one scenario's vendor repository and keys.
type ostreeFix struct {
	w             *toolkit.Workdir
	gnupg         string
	vendor, other string // key fingerprints
	pub           []byte // the vendor's public key (binary OpenPGP)
	repo          string
	// old is the commit before the baseline ("" when none is made).
	old string
}

func newOSTreeFix(ref time.Time) (*ostreeFix, error) {
	w, err := toolkit.NewWorkdir()
	if err != nil {
		return nil, err
	}
	f := &ostreeFix{w: w, gnupg: w.Path("gnupg"), repo: w.Path("repo")}
	// Keys and signatures dated an hour before the reference time: the
	// device's clock is the reference time, and a key made "in the future"
	// is no key to gpg.
	conf := fmt.Sprintf("faked-system-time %d\n", ref.Add(-time.Hour).Unix())
	if err := toolkit.WriteFiles(f.gnupg, map[string][]byte{"gpg.conf": []byte(conf)}); err != nil {
		f.close()
		return nil, err
	}
	for _, k := range []struct {
		uid string
		fpr *string
	}{{"Vendor Release Signing <release@thermo.example>", &f.vendor}, {"Someone Else <else@attacker.example>", &f.other}} {
		if _, err := f.gpg("--passphrase", "", "--quick-gen-key", k.uid, "ed25519", "sign", "never"); err != nil {
			f.close()
			return nil, err
		}
		out, err := f.gpg("--with-colons", "--list-keys", k.uid)
		if err != nil {
			f.close()
			return nil, err
		}
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, "fpr:") {
				*k.fpr = strings.Split(l, ":")[9]
				break
			}
		}
		if *k.fpr == "" {
			f.close()
			return nil, errors.New("gpg: no fingerprint for the new key")
		}
	}
	if f.pub, err = f.gpg("--export", f.vendor); err != nil {
		f.close()
		return nil, err
	}
	if _, err := toolkit.Run(w.Dir, nil, nil, "ostree", "init", "--repo="+f.repo, "--mode=archive"); err != nil {
		f.close()
		return nil, err
	}
	return f, nil
}

func (f *ostreeFix) gpg(args ...string) ([]byte, error) {
	return toolkit.Run(f.w.Dir, nil, nil, append([]string{"gpg", "--homedir", f.gnupg, "--batch", "--pinentry-mode", "loopback"}, args...)...)
}

func (f *ostreeFix) close() {
	toolkit.Run(f.w.Dir, nil, nil, "gpgconf", "--homedir", f.gnupg, "--kill", "all")
	f.w.Close()
}

// commit commits a tree holding content on branch, signed by signer
// ("" unsigned), and returns the commit checksum.
func (f *ostreeFix) commit(branch, version string, content []byte, signer, parent string, at time.Time) (string, error) {
	tree := f.w.Path(toolkit.NextTag("tree"))
	if err := toolkit.WriteFiles(tree, map[string][]byte{ostreeFile: content}); err != nil {
		return "", err
	}
	args := []string{"ostree", "commit", "--repo=" + f.repo, "--fsync=false", "--branch=" + branch, "--tree=dir=" + tree,
		"--subject=release " + version, "--add-metadata-string=version=" + version, "--timestamp=" + at.UTC().Format(time.RFC3339)}
	if parent != "" {
		args = append(args, "--parent="+parent)
	}
	if signer != "" {
		args = append(args, "--gpg-sign="+signer, "--gpg-homedir="+f.gnupg)
	}
	out, err := toolkit.Run(f.w.Dir, nil, nil, args...)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// files is the repository as served now (every file under it but tmp/).
func (f *ostreeFix) files() (map[string][]byte, error) {
	out := map[string][]byte{}
	err := filepath.WalkDir(f.repo, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(f.repo, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "tmp" {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		out[rel] = b
		return err
	})
	return out, err
}

// fileObject is the served path of the content object holding content.
func (f *ostreeFix) fileObject(commit string) (string, error) {
	out, err := toolkit.Run(f.w.Dir, nil, nil, "ostree", "--repo="+f.repo, "ls", "-C", commit, "/"+ostreeFile)
	if err != nil {
		return "", err
	}
	fields := strings.Fields(string(out))
	if len(fields) < 5 {
		return "", fmt.Errorf("ostree ls: %q", out)
	}
	sum := fields[4]
	return "objects/" + sum[:2] + "/" + sum[2:] + ".filez", nil
}

// ostreeAttack makes the attack state; the fixture has the baseline
// release 1.0.0 (commit a) on the device's ref.
type ostreeAttack func(e *plan.Env, f *ostreeFix, a string) (st *plan.State, want []byte, err error)

func ostreeBuilder(attack ostreeAttack, server string, withOld ...bool) plan.Builder {
	return func(e *plan.Env) (*plan.Plan, error) {
		f, err := newOSTreeFix(e.Ref)
		if err != nil {
			return nil, err
		}
		defer f.close()
		if len(withOld) > 0 && withOld[0] {
			// The release before the baseline (0.9.0, the attacker's
			// content), validly signed on the device's ref.
			if f.old, err = f.commit(ostreeRef, "0.9.0", e.X, f.vendor, "", e.Ref.AddDate(0, 0, -60)); err != nil {
				return nil, err
			}
		}
		a, err := f.commit(ostreeRef, "1.0.0", e.A, f.vendor, f.old, e.Ref.AddDate(0, 0, -30))
		if err != nil {
			return nil, err
		}
		base, err := f.files()
		if err != nil {
			return nil, err
		}
		st, want, err := attack(e, f, a)
		if err != nil {
			return nil, err
		}
		return &plan.Plan{Baseline: plan.NewState(base), Attack: st, AttackServer: server, InitRoot: f.pub, BaseWant: e.A, Want: want}, nil
	}
}

// ostreeNext commits the next release on the ref and lets edit make the
// state hostile (nil: the valid update).
func ostreeNext(edit func(e *plan.Env, f *ostreeFix, st *plan.State, b string) error) ostreeAttack {
	return func(e *plan.Env, f *ostreeFix, a string) (*plan.State, []byte, error) {
		b, err := f.commit(ostreeRef, "1.0.1", e.B, f.vendor, a, e.Ref.Add(-time.Hour))
		if err != nil {
			return nil, nil, err
		}
		files, err := f.files()
		if err != nil {
			return nil, nil, err
		}
		st := plan.NewState(files)
		if edit == nil {
			return st, e.B, nil
		}
		return st, nil, edit(e, f, st, b)
	}
}

// ostreeHostile commits the attacker's content (signer "" unsigned) on
// branch and serves it as the device's ref.
func ostreeHostile(signer func(*ostreeFix) string, branch string) ostreeAttack {
	return func(e *plan.Env, f *ostreeFix, a string) (*plan.State, []byte, error) {
		x, err := f.commit(branch, "1.0.1", e.X, signer(f), a, e.Ref.Add(-time.Hour))
		if err != nil {
			return nil, nil, err
		}
		files, err := f.files()
		if err != nil {
			return nil, nil, err
		}
		files["refs/heads/"+ostreeRef] = []byte(x + "\n")
		return plan.NewState(files).Bad(e.X), nil, nil
	}
}

func ostreeSpecs() []Spec {
	vendor := func(f *ostreeFix) string { return f.vendor }
	tamper := func(e *plan.Env, f *ostreeFix, st *plan.State, b string) error {
		good, err := f.fileObject(b)
		if err != nil {
			return err
		}
		// The attacker's content as an object of its own, served under the
		// name of the release's object.
		x, err := f.commit("scratch/x", "6.6.6", e.X, "", "", e.Ref)
		if err != nil {
			return err
		}
		bad, err := f.fileObject(x)
		if err != nil {
			return err
		}
		files, err := f.files()
		if err != nil {
			return err
		}
		st.Files[good] = files[bad]
		st.Bad(e.X)
		return nil
	}
	special := func(kind string, content bool) func(*plan.Env, *ostreeFix, *plan.State, string) error {
		return func(e *plan.Env, f *ostreeFix, st *plan.State, b string) error {
			p := "objects/" + b[:2] + "/" + b[2:] + ".commit"
			if content {
				var err error
				if p, err = f.fileObject(b); err != nil {
					return err
				}
			}
			switch kind {
			case plan.Redirect:
				st.Mirror = maps.Clone(st.Files)
				st.Special[p] = plan.Special{Kind: plan.Redirect, To: "plain:/" + p}
			case "oversize":
				big := make([]byte, OversizeBytes)
				copy(big, st.Files[p])
				st.Files[p] = big
				st.Bad(big)
			default:
				st.Special[p] = plan.Special{Kind: kind}
			}
			return nil
		}
	}
	downgrade := func(e *plan.Env, f *ostreeFix, a string) (*plan.State, []byte, error) {
		// 0.9.0 was published on the ref before 1.0.0 (its parent); the
		// ref is moved back to it.
		files, err := f.files()
		if err != nil {
			return nil, nil, err
		}
		files["refs/heads/"+ostreeRef] = []byte(f.old + "\n")
		return plan.NewState(files).Bad(e.X), nil, nil
	}
	t := "ostree"
	return []Spec{
		{Name: t + "-valid-update", Title: "A valid, newer commit signed by the vendor is pulled and deployed", Step: 5, Control: ctlUpdate, Expect: attackrun.Accept,
			Mirrors: "baseline update", Build: ostreeBuilder(ostreeNext(nil), "")},
		{Name: t + "-tampered-payload", Title: "The signed commit's file object is replaced by the attacker's", Step: 5, Control: ctlIntegrity, Expect: attackrun.Reject,
			Mirrors: "OSTree content addressing: every object is checked against its checksum", Build: ostreeBuilder(ostreeNext(tamper), "")},
		{Name: t + "-unsigned", Title: "An unsigned commit carrying the attacker's file", Step: 5, Control: ctlSignature, Expect: attackrun.Reject,
			Mirrors: "OSTree remote gpg-verify=true", Build: ostreeBuilder(ostreeHostile(func(*ostreeFix) string { return "" }, ostreeRef), "")},
		{Name: t + "-wrong-signer", Title: "A commit signed by a GPG key the remote does not trust", Step: 5, Control: ctlSignature, Expect: attackrun.Reject,
			Mirrors: "OSTree remote keyring (--gpg-import)", Build: ostreeBuilder(ostreeHostile(func(f *ostreeFix) string { return f.other }, ostreeRef), "")},
		{Name: t + "-wrong-ref", Title: "A validly signed commit for another device's ref, served under this device's ref", Step: 5, Control: ctlApplicability, Expect: attackrun.Reject,
			Mirrors: "OSTree ref binding (ostree.ref-binding in the signed commit)", Build: ostreeBuilder(ostreeHostile(vendor, ostreeOtherRef), "")},
		{Name: t + "-downgrade", Title: "The ref moved back to an older commit (0.9.0), validly signed", Step: 5, Control: ctlRollback, Expect: attackrun.Reject,
			Mirrors: "ostree pull --timestamp-check (off by default); ostree admin upgrade refuses older commits", Build: ostreeBuilder(downgrade, "", true)},
		{Name: t + "-tls-untrusted-server", Title: "The server presents a certificate from a CA the device does not trust", Step: 3, Control: ctlTransport, Expect: attackrun.Reject,
			Mirrors: "TLS server authentication (remote tls-ca-path)", Build: ostreeBuilder(ostreeNext(func(*plan.Env, *ostreeFix, *plan.State, string) error { return nil }), plan.ServerImpostor)},
		{Name: t + "-redirect-http", Title: "The commit object redirects to plain http", Step: 4, Control: ctlTransport, Expect: attackrun.Reject,
			Mirrors: "https-only download (a redirect must not downgrade the transport)", Build: ostreeBuilder(ostreeNext(special(plan.Redirect, false)), "")},
		{Name: t + "-slow-retrieval", Title: "The release's file object is dripped a byte at a time", Step: 4, Control: ctlSlow, Expect: attackrun.Reject, Hang: true,
			Mirrors: "download deadline or minimum rate", Build: ostreeBuilder(ostreeNext(special(plan.Slow, true)), "")},
		{Name: t + "-endless-data", Title: "The release's file object is an endless stream", Step: 4, Control: ctlEndless, Expect: attackrun.Reject, Hang: true,
			Mirrors: "download size limit", Build: ostreeBuilder(ostreeNext(special(plan.Endless, true)), "")},
		{Name: t + "-oversize", Title: fmt.Sprintf("The commit object is served as %d MiB", OversizeBytes>>20), Step: 4, Control: ctlEndless, Expect: attackrun.Reject,
			Mirrors: "OSTree's metadata object size limit", Build: ostreeBuilder(ostreeNext(special("oversize", false)), "")},
	}
}

func (ostreeDriver) Folders(root string) plan.Folders {
	f := folders(root, "deploy")
	f.Meta = filepath.Join(f.Client, "repo")
	f.Scratch = append(f.Scratch, filepath.Join(f.Meta, "tmp"))
	return f
}

func (ostreeDriver) Phase(ctx context.Context, r plan.Runner, ph plan.Phase) (plan.Proc, error) {
	if err := Check(OSTree); err != nil {
		return plan.Proc{}, err
	}
	f := ph.Folders
	client := clientOf(ph, OSTree)
	env := []string{"TMPDIR=" + f.Cwd, "GNUPGHOME=" + filepath.Join(f.Cwd, "gnupg")}
	ostree := func(args ...string) (plan.Proc, error) {
		return toolkit.Command(ctx, r, toolkit.Wrap(env, nil, append(append(append([]string(nil), client...), "--repo="+f.Meta), args...)), f.Cwd, ph.At)
	}
	setup := func(p plan.Proc, err error) error {
		if err == nil && !p.OK() {
			err = fmt.Errorf("setting the device's repository up: %s: %s", p.Describe(), strings.TrimSpace(p.Output))
		}
		return err
	}
	if ph.Baseline {
		ca, err := toolkit.ReadCA(ph)
		if err != nil {
			return plan.Proc{}, err
		}
		if err := toolkit.WriteFiles(f.Trust, map[string][]byte{"vendor.gpg": ph.Plan.InitRoot, "server-ca.pem": ca}); err != nil {
			return plan.Proc{}, err
		}
		if err := os.MkdirAll(filepath.Join(f.Cwd, "gnupg"), 0o700); err != nil {
			return plan.Proc{}, err
		}
		if err := setup(ostree("init", "--mode=bare-user")); err != nil {
			return plan.Proc{}, err
		}
	}
	if ph.Baseline {
		// The remote as an integrator configures it: gpg-verify on, the
		// vendor's key imported, the servers' CA.
		if err := setup(ostree("remote", "add", "--set=gpg-verify=true", "--set=tls-ca-path="+filepath.Join(f.Trust, "server-ca.pem"),
			"--gpg-import="+filepath.Join(f.Trust, "vendor.gpg"), ostreeRemote, ph.URL, ostreeRef)); err != nil {
			return plan.Proc{}, err
		}
	} else if err := setup(ostree("config", "set", `remote "`+ostreeRemote+`".url`, ph.URL)); err != nil {
		// The attack is served from the phase's server.
		return plan.Proc{}, err
	}
	p, err := ostree("pull", ostreeRemote, ostreeRef)
	if err != nil || !p.OK() {
		return p, err
	}
	// Deploy: check the pulled ref out as the running tree.
	dst := filepath.Join(f.Out, "current")
	if err := os.RemoveAll(dst); err != nil {
		return plan.Proc{}, err
	}
	return ostree("checkout", "-U", ostreeRemote+":"+ostreeRef, dst)
}
