package verifier

import (
	"time"

	"github.com/craudit/craudit/checks/verifier/primary"
)

// Options say what to verify and how. Switches that weaken the client are
// named ...Unsafe (sigstore-go convention).
type Options struct {
	// RepoURL is the repository's base URL. For TUF, metadata is at
	// RepoURL/metadata/ and targets at RepoURL/targets/ unless MetadataURL and
	// TargetsURL say otherwise.
	RepoURL                 string
	MetadataURL, TargetsURL string
	// TrustFile is a TUF root.json or a PEM root public key; TrustData, when
	// set, is used instead of reading TrustFile.
	TrustFile string
	TrustData []byte
	// Profile forces the repository kind; empty detects it from the trust file.
	Profile Profile
	// Uptane: RepoURL and TrustFile/TrustData are the Director's; the Image
	// repository's are optional with Partial (Director targets only).
	ImageRepoURL   string
	ImageTrustFile string
	ImageTrustData []byte
	ECUs           []primary.ECU
	Partial        bool
	// CAFile pins the CA the server's certificate must chain to.
	CAFile string
	// Targets to download and verify. TUF: target paths (none: metadata only).
	// Manifest: artefact names (none: every artefact of the manifest).
	Targets []string
	// TargetDir, when set, receives verified targets (name URL-path-escaped).
	TargetDir string
	// InstalledVersion is the version the device runs (manifest profile).
	InstalledVersion string
	// Product and HardwareID are the device's identity for the applicability
	// check (manifest profile). Without them the step is recorded as skipped.
	Product, HardwareID string
	// StateDir keeps trusted metadata (TUF: root.json, timestamp.json ...;
	// manifest: manifest-state.json) between runs, for rollback protection.
	StateDir string
	// ReferenceTime judges metadata expiry; zero means the wall clock.
	// TimeSource names where it came from (for the transcript).
	ReferenceTime time.Time
	TimeSource    string
	// AllowInsecureHTTPUnsafe lets plain http:// through; the transport step
	// is still recorded as failed.
	AllowInsecureHTTPUnsafe bool
	// Limits (zero: defaults, see transport and DefaultLimits).
	Timeout   time.Duration
	MinRate   int64
	RateGrace time.Duration
	Limits    Limits
	// Tool is written into the transcript ("craudit 0.1.0").
	Tool string
	// Now is the wall clock (TLS validity, transcript start); nil is time.Now.
	Now func() time.Time
	// Resolve rules (HOST:PORT:ADDR, curl's --resolve; ADDR may carry a
	// port) dial another address for a host while the URL and the TLS
	// server-name check keep the declared name. The transcript records the
	// address really contacted (Run.Contacted).
	Resolve []string
}

// Limits bound what a hostile repository can make the client download.
type Limits struct {
	MaxRootRotations   int64
	MaxDelegations     int
	RootMaxLength      int64
	TimestampMaxLength int64
	SnapshotMaxLength  int64
	TargetsMaxLength   int64
	// ManifestMaxLength bounds manifest.json, the certificate and signatures.
	ManifestMaxLength int64
	// TargetMaxLength bounds a target or artefact, whatever signed metadata
	// claims: downloads are held in memory to be hashed.
	TargetMaxLength int64
}

// DefaultLimits are go-tuf's defaults, and 1 MiB for manifest-profile files.
var DefaultLimits = Limits{
	MaxRootRotations:   256,
	MaxDelegations:     32,
	RootMaxLength:      512000,
	TimestampMaxLength: 16384,
	SnapshotMaxLength:  2000000,
	TargetsMaxLength:   5000000,
	ManifestMaxLength:  1 << 20,
	TargetMaxLength:    1 << 30,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxRootRotations > 0 {
		d.MaxRootRotations = l.MaxRootRotations
	}
	if l.MaxDelegations > 0 {
		d.MaxDelegations = l.MaxDelegations
	}
	if l.RootMaxLength > 0 {
		d.RootMaxLength = l.RootMaxLength
	}
	if l.TimestampMaxLength > 0 {
		d.TimestampMaxLength = l.TimestampMaxLength
	}
	if l.SnapshotMaxLength > 0 {
		d.SnapshotMaxLength = l.SnapshotMaxLength
	}
	if l.TargetsMaxLength > 0 {
		d.TargetsMaxLength = l.TargetsMaxLength
	}
	if l.TargetMaxLength > 0 {
		d.TargetMaxLength = l.TargetMaxLength
	}
	if l.ManifestMaxLength > 0 {
		d.ManifestMaxLength = l.ManifestMaxLength
	}
	return d
}
