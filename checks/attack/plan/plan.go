package plan

import (
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/craudit/craudit/checks/attack/layout"
)

// TargetName is the file every scenario updates (a TUF target, the
// manifest profile's artefact).
const TargetName = "firmware.bin"

// The device the manifest-profile client plays; the harness provisions it in
// the client's state folder before the first run.
const (
	DeviceProduct  = "thermo-1000"
	DeviceHardware = "tx-100"
)

// Env is what the builders of one run share.
type Env struct {
	// Ref is the run's reference time.
	Ref time.Time
	// A is the baseline release's file, B the valid update, X the
	// attacker's; B and X have the same length.
	A, B, X []byte
	// Layout is the manifest profile's repository and manifest layout
	// (nil: craudit's own): the builders sign manifests and place files in
	// it.
	Layout *layout.Layout
}

// ContentSize makes targets large enough that a slow drip of them outlasts
// any reasonable deadline.
const ContentSize = 8 << 10

// NewEnv makes the contents of a run at reference time ref.
func NewEnv(ref time.Time) *Env {
	return &Env{Ref: ref, A: filler("release 1.0.0 (baseline)"), B: filler("release 1.0.1 (valid update)"), X: filler("ATTACKER PAYLOAD 6.6.6")}
}

// filler is deterministic content of ContentSize bytes.
func filler(label string) []byte {
	out := make([]byte, 0, ContentSize)
	for i := 0; len(out) < ContentSize; i++ {
		h := sha256.Sum256([]byte(fmt.Sprintf("%s/%d", label, i)))
		out = append(out, fmt.Sprintf("%s block %d %x\n", label, i, h[:8])...)
	}
	return out[:ContentSize]
}

// Builder makes a scenario's Plan for one run.
type Builder func(*Env) (*Plan, error)

// Plan is what a scenario serves and expects, built per run.
type Plan struct {
	// Baseline is the valid repository the client updates from first; the
	// Attack state is served next, from the same server.
	Baseline, Attack *State
	// AttackServer points the client at another server in the attack phase
	// (ServerImpostor: a certificate from a CA the client was not given).
	AttackServer string
	// AttackAt shifts the reference time of the attack phase.
	AttackAt time.Duration
	// InitRoot is the trust anchor the client is initialised with (a TUF
	// root.json, a PEM root key).
	InitRoot []byte
	// InitRoots are the trust anchors of a profile with several
	// repositories, by repository name (Uptane: "director", "image").
	InitRoots map[string][]byte
	// BaseWant and Want are the contents a successful baseline and (accept
	// scenarios) attack phase must install.
	BaseWant, Want []byte
}

// The servers of a run. The TUF profile has ServerMain only (plain HTTP);
// the manifest profile serves HTTPS main and mirror under the CA the client
// pins, plain HTTP for downgrades, and an impostor under another CA.
const (
	ServerMain     = "main"
	ServerMirror   = "mirror"
	ServerPlain    = "plain"
	ServerImpostor = "impostor"
)

// Kinds of misbehaviour of a hostile server on one path.
const (
	Slow     = "slow"     // the genuine bytes, one per interval
	Endless  = "endless"  // a stream without end (up to the harness's bound)
	Redirect = "redirect" // a redirect to Special.To
)

// Special is a misbehaving path.
type Special struct {
	Kind string
	// To is a redirect's target: "<server>:<path>".
	To string
}

// State is one repository as served: files by URL path (no leading slash,
// percent-escaped as a client requests them).
type State struct {
	Files map[string][]byte
	// Mirror is served by ServerMirror and ServerPlain.
	Mirror map[string][]byte
	// Special paths misbehave on ServerMain and ServerImpostor.
	Special map[string]Special
	// Hostile lists bytes the attacker made: a client must keep none of them.
	Hostile [][]byte
}

// NewState serves files.
func NewState(files map[string][]byte) *State {
	return &State{Files: files, Mirror: map[string][]byte{}, Special: map[string]Special{}}
}

// Bad records attacker-made bytes.
func (s *State) Bad(b ...[]byte) *State { s.Hostile = append(s.Hostile, b...); return s }

// Proc is how one program run by the harness ended.
type Proc struct {
	Exit     int  // -1 when killed
	TimedOut bool // killed by the harness at the deadline
	Signaled bool // died of a signal the harness did not send
	// Output is the tail of what the program wrote (stdout and stderr).
	Output string
}

// OK says the program ran to the end and exited 0.
func (p Proc) OK() bool { return !p.TimedOut && !p.Signaled && p.Exit == 0 }

// Describe says how the run ended, without ports or paths.
func (p Proc) Describe() string {
	switch {
	case p.TimedOut:
		return "still running at the deadline (killed)"
	case p.Signaled:
		return "killed by a signal"
	}
	return fmt.Sprintf("exit %d", p.Exit)
}

// Folders are one scenario's folders. The client may write only in Trust,
// Meta, Out, Cwd and Extra; anything else under Root is a stray write.
// Client is the part of the tree scanned for kept attacker content.
type Folders struct {
	Root, Client          string
	Trust, Meta, Out, Cwd string
	Extra                 []string
	// Installed is where a release counts as installed: a regular file
	// under it with exactly the release's bytes.
	Installed string
	// Scratch are working folders (among the allowed ones) where a copy of
	// attacker bytes left after a refusal is reported as a scratch file in
	// the detail, not as attacker content the client keeps. Attacker bytes
	// anywhere else (the install slot above all) are kept content.
	Scratch []string
}

// Allowed lists the folders the client may write in.
func (f Folders) Allowed() []string {
	return append([]string{f.Trust, f.Meta, f.Out, f.Cwd}, f.Extra...)
}

// Phase is one run of the client in a scenario: the baseline (the valid
// update the scenario starts from) or the attack.
type Phase struct {
	Baseline bool
	// At is the phase's reference time (the client's clock).
	At      time.Time
	Plan    *Plan
	Folders Folders
	// URL is the base URL of the server this phase points the client at;
	// Resolve, when set, is the curl-style rule that reaches it by name.
	URL, Resolve string
	// CA is the PEM file of the CA the HTTPS servers main and mirror chain
	// to (empty for plain-HTTP profiles).
	CA string
	// Client is the updater's command line as the harness runs it (the
	// executable resolved); a driver that must start it as a service or
	// inside a wrapper runs it through Runner.Command.
	Client []string
}

// Runner runs programs for a driver, under the harness's deadline, clock
// (SOURCE_DATE_EPOCH, faketime) and environment rules. The error is non-nil
// only when the program could not be started or the run was cancelled.
type Runner interface {
	// Client runs the updater under test: its command line, then args.
	Client(ctx context.Context, args []string, dir string, at time.Time) (Proc, error)
	// Command runs another program of the profile's set-up (argv[0] looked
	// up on PATH) the same way.
	Command(ctx context.Context, argv []string, dir string, at time.Time) (Proc, error)
}

// Servers says which loopback servers a profile needs.
type Servers int

const (
	// PlainHTTP: ServerMain over plain HTTP, as tuf-conformance serves.
	PlainHTTP Servers = iota
	// TLSSet: ServerMain and ServerMirror over HTTPS under one test CA
	// (Phase.CA), ServerPlain over HTTP for downgrade redirects, and
	// ServerImpostor over HTTPS under a CA the client is not given.
	TLSSet
)

// Driver is how a profile runs its client: the folders of a scenario and
// one phase of it. The harness serves the phase's state, calls Phase and
// judges by what reached Folders.Installed.
type Driver interface {
	Servers() Servers
	// Folders lays out one scenario's folders under root.
	Folders(root string) Folders
	// Phase runs the client once (provisioning its trust and state first
	// in the baseline phase).
	Phase(ctx context.Context, r Runner, ph Phase) (Proc, error)
}

// SplitScratch separates kept attacker copies (paths relative to
// l.Client) in the driver's scratch folders from the rest.
func (l Folders) SplitScratch(kept []string) (trusted, scratch []string) {
	for _, k := range kept {
		p, in := filepath.Join(l.Client, filepath.FromSlash(k)), false
		for _, s := range l.Scratch {
			if strings.HasPrefix(p, s+string(filepath.Separator)) {
				in = true
				if rel, err := filepath.Rel(l.Client, s); err == nil {
					scratch = append(scratch, filepath.ToSlash(rel))
				}
				break
			}
		}
		if !in {
			trusted = append(trusted, k)
		}
	}
	return trusted, scratch
}

// InInstalled reports whether one of paths (relative to l.Client) is under l.Installed.
func (l Folders) InInstalled(paths []string) bool {
	for _, p := range paths {
		if strings.HasPrefix(filepath.Join(l.Client, filepath.FromSlash(p)), l.Installed+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// ScratchDetail says that attacker bytes were left in scratch folders
// (how many files, which folders: file names there may be random).
func ScratchDetail(scratch []string) string {
	if len(scratch) == 0 {
		return ""
	}
	dirs := slices.Compact(slices.Sorted(slices.Values(scratch)))
	return fmt.Sprintf("; %d scratch copy(ies) of attacker bytes left in its working folder (%s), not installed", len(scratch), strings.Join(dirs, ", "))
}

// StandardFolders is the common layout of a scenario: trust beside the
// client's tree root/c/d, whose meta, out and work folders the client may
// write; the release counts as installed under out.
func StandardFolders(root, meta, out string) Folders {
	c := filepath.Join(root, "c")
	f := Folders{Root: root, Client: c, Trust: filepath.Join(root, "trust"),
		Meta: filepath.Join(c, "d", meta), Out: filepath.Join(c, "d", out), Cwd: filepath.Join(c, "d", "work")}
	f.Installed = f.Out
	return f
}
