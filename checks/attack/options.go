package attack

import (
	"io"
	"runtime"
	"time"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/attack/layout"
)

// Options say which client to attack and how.
type Options struct {
	// Client is the updater's command line; the harness appends the
	// protocol's arguments. Split on spaces; quotes group words.
	Client  string
	Profile Profile
	// Scenarios to run, by ID or name; none means every scenario of Profile.
	Scenarios []string
	// ReferenceTime is the "now" of the repositories and of the client
	// (SOURCE_DATE_EPOCH, and faketime when installed); zero: the wall clock.
	ReferenceTime time.Time
	TimeSource    string
	// Deadline bounds each client run (default DefaultDeadline). A client
	// still running at it is vulnerable in slow-retrieval and endless-data
	// scenarios.
	Deadline time.Duration
	// SlowInterval is the pause between bytes in slow-retrieval scenarios
	// (default DefaultSlowInterval); EndlessSize bounds an endless stream
	// (default DefaultEndlessSize).
	SlowInterval time.Duration
	EndlessSize  int64
	// NoFaketime does not wrap the client in faketime even when installed.
	NoFaketime bool
	// Env is added to the client's environment.
	Env []string
	// WorkDir holds the scenarios' folders (default: a temporary folder,
	// removed afterwards); KeepWork keeps it.
	WorkDir  string
	KeepWork bool
	Tool     checks.Tool
	// Progress receives one line per scenario (nil: none).
	Progress io.Writer
	// ClientConfigs are files the updater reads (its configuration): each is
	// hashed into the run's updater record, which binds the results to what
	// was tested.
	ClientConfigs []string
	// Resolve (manifest profile), HOST:PORT:ADDR[:PORT2] as curl's --resolve:
	// the repository is served on the loopback address ADDR (at PORT2, or a
	// free port) with a certificate for HOST from the harness's test CA, the
	// client is given https://HOST[:PORT] as --repo and the rule that reaches
	// the server as --resolve HOST:PORT:ADDR:PORT2. An impostor is served
	// under the same name. Empty: the loopback URL, no --resolve argument.
	Resolve string
	// Parallel is how many scenarios run at once, each with its own
	// loopback servers and folders (0: DefaultParallel()). Results and
	// progress lines stay in catalogue order. A --resolve rule with a fixed
	// loopback port runs one at a time.
	Parallel int
	// Layout (manifest profile) maps craudit's repository paths, manifest
	// fields and client arguments to the updater's own (nil: craudit's).
	Layout *layout.Layout
}

// DefaultParallel is the default of Options.Parallel: GOMAXPROCS, and at
// least 4 (a scenario mostly waits on its client and its servers).
func DefaultParallel() int { return max(runtime.GOMAXPROCS(0), 4) }

// Defaults.
const (
	DefaultDeadline     = 60 * time.Second
	DefaultSlowInterval = time.Second
	DefaultEndlessSize  = int64(1) << 30
)
