package layout

import (
	"fmt"
	"regexp"
	"strings"
)

// Version is the layout format's version, the file's `layout:` key.
const Version = 1

// craudit's manifest-profile repository paths (docs/manifest-client-protocol.md):
// the builders lay out every repository with these, and a Layout maps them.
const (
	ManifestPath     = "manifest.json"
	ManifestSigPath  = "manifest.json.sig"
	CertPath         = "keys/vendor.cert.json"
	CertSigPath      = "keys/vendor.cert.json.sig"
	SignerKeyPath    = "keys/signer.pub"
	ArtefactDir      = "artefacts/"
	NamePlaceholder  = "{name}"
	defaultArtefact  = ArtefactDir + NamePlaceholder
	defaultInstalled = "slot"
)

// Paths are where the repository serves each file, below the repository
// URL. Empty SignerKey: the signer's key is not served (the certificate
// carries it). Artefact holds {name} once: the artefact's name in the
// manifest.
type Paths struct {
	Manifest, ManifestSig, Cert, CertSig, SignerKey, Artefact string
}

// Fields are the manifest's field names; an empty name omits the field
// (only the optional ones: Schema, Model, UpdateType, Severity,
// AdvisoryURL, SHA512).
type Fields struct {
	Schema, Product, Model, HardwareIDs, Version, RollbackCounter    string
	Timestamp, Expires, UpdateType, Severity, AdvisoryURL, Artefacts string
	// The fields of each artefact object.
	Name, Size, SHA256, SHA512 string
}

// Time formats of the manifest's timestamp and expiry.
const (
	TimeRFC3339 = "rfc3339" // "2026-01-01T00:00:00Z", as craudit writes
	TimeUnix    = "unix"    // seconds since 1970 as a JSON number
)

// Layout is one updater's repository and manifest layout.
type Layout struct {
	// File is where the layout was read from ("" for Default); Description
	// is the file's free text.
	File, Description string
	Paths             Paths
	Fields            Fields
	TimeFormat        string
	// Constants are extra first-level string fields of every manifest
	// (e.g. the updater's own format tag), sorted by name when written.
	Constants map[string]string
	// Arguments are the client's command-line arguments after --client's
	// words, with placeholders (see Placeholders); nil: craudit's
	// manifest-client protocol. ResolveArguments are added when the run has
	// a --resolve rule: at the argument ResolveHere, else at the end.
	Arguments, ResolveArguments []string
	// Installed is the folder below the client's --out where an installed
	// release must be ("." : --out itself).
	Installed string
}

// Default is craudit's own layout.
func Default() *Layout {
	return &Layout{
		Paths: Paths{Manifest: ManifestPath, ManifestSig: ManifestSigPath, Cert: CertPath, CertSig: CertSigPath,
			SignerKey: SignerKeyPath, Artefact: defaultArtefact},
		Fields: Fields{Schema: "schema", Product: "product", Model: "model", HardwareIDs: "hardware_ids", Version: "version",
			RollbackCounter: "rollback_counter", Timestamp: "timestamp", Expires: "expires", UpdateType: "update_type",
			Severity: "severity", AdvisoryURL: "advisory_url", Artefacts: "artefacts",
			Name: "name", Size: "size", SHA256: "sha256", SHA512: "sha512"},
		TimeFormat: TimeRFC3339,
		Installed:  defaultInstalled,
	}
}

// Placeholders the client's arguments may hold, and what the harness puts
// there. {resolve} is allowed in ResolveArguments only.
var Placeholders = []struct{ Name, Means string }{
	{"{trust}", "the root public key file (PEM) the device trusts"},
	{"{ca}", "the CA file (PEM) the repository's TLS certificate chains to"},
	{"{state}", "the device's persistent state folder (device.json is there)"},
	{"{repo}", "the repository's base URL, without a trailing slash"},
	{"{installed_version}", "the version the device runs now"},
	{"{out}", "the install folder; the release must land in its `installed` folder"},
	{"{product}", "the device's product ID"},
	{"{hardware_id}", "the device's hardware ID"},
	{"{resolve}", "HOST:PORT:ADDR:PORT2, as curl's --connect-to takes it (resolve_arguments only)"},
	{ResolveHere, "an argument of its own: where resolve_arguments go (default: at the end), nothing without --resolve"},
}

// ResolveHere, an argument of its own in Arguments, is where
// ResolveArguments are put.
const ResolveHere = "{resolve_arguments}"

// Values fill the placeholders of one client run.
type Values struct {
	Trust, CA, State, Repo, InstalledVersion, Out, Product, HardwareID, Resolve string
}

var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// Args are the client's arguments for one run: nil when the layout keeps
// craudit's protocol (the caller builds it). An error when the run has a
// --resolve rule and the layout has no resolve_arguments to pass it.
func (l *Layout) Args(v Values) ([]string, error) {
	if l == nil || l.Arguments == nil {
		return nil, nil
	}
	r := strings.NewReplacer("{trust}", v.Trust, "{ca}", v.CA, "{state}", v.State, "{repo}", strings.TrimSuffix(v.Repo, "/"),
		"{installed_version}", v.InstalledVersion, "{out}", v.Out, "{product}", v.Product, "{hardware_id}", v.HardwareID,
		"{resolve}", v.Resolve)
	if v.Resolve != "" && len(l.ResolveArguments) == 0 {
		return nil, fmt.Errorf("%s: the repository is served under a declared name (--resolve) but the layout has no resolve_arguments to tell the client", l.name())
	}
	var extra []string
	if v.Resolve != "" {
		for _, a := range l.ResolveArguments {
			extra = append(extra, r.Replace(a))
		}
	}
	var out []string
	spliced := false
	for _, a := range l.Arguments {
		if a == ResolveHere {
			out, spliced = append(out, extra...), true
			continue
		}
		out = append(out, r.Replace(a))
	}
	if !spliced {
		out = append(out, extra...)
	}
	return out, nil
}

func (l *Layout) name() string {
	if l.File == "" {
		return "layout"
	}
	return l.File
}

// InstalledDir is the folder below out where an installed release must be.
func (l *Layout) InstalledDir() string {
	if l == nil || l.Installed == "" {
		return defaultInstalled
	}
	return l.Installed
}

// Path maps one of craudit's repository paths (ManifestPath ...,
// ArtefactDir+NAME) to the layout's; ok is false when the layout does not
// serve the file. Other paths are returned as they are.
func (l *Layout) Path(p string) (string, bool) {
	if l == nil {
		return p, true
	}
	var to string
	switch {
	case p == ManifestPath:
		to = l.Paths.Manifest
	case p == ManifestSigPath:
		to = l.Paths.ManifestSig
	case p == CertPath:
		to = l.Paths.Cert
	case p == CertSigPath:
		to = l.Paths.CertSig
	case p == SignerKeyPath:
		to = l.Paths.SignerKey
	case strings.HasPrefix(p, ArtefactDir):
		to = strings.Replace(l.Paths.Artefact, NamePlaceholder, strings.TrimPrefix(p, ArtefactDir), 1)
	default:
		return p, true
	}
	return to, to != ""
}

// IsDefault says whether l serves and writes exactly what craudit's own
// layout does (nil is the default).
func (l *Layout) IsDefault() bool {
	if l == nil {
		return true
	}
	d := Default()
	return l.Paths == d.Paths && l.Fields == d.Fields && l.TimeFormat == d.TimeFormat && len(l.Constants) == 0 &&
		l.Arguments == nil && l.InstalledDir() == d.Installed
}
