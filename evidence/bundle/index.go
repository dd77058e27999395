package bundle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/product"
)

// Schema identifies the bundle index format.
const Schema = "https://craudit.dev/schema/bundle/v1"

// Fixed names inside a bundle.
const (
	IndexFile     = "bundle.json"
	IndexSigFile  = "bundle.json.sig"
	SignerKey     = "keys/signer.pub"
	VendorCert    = "keys/vendor.cert.json"
	VendorCertSig = "keys/vendor.cert.json.sig"
	ManifestFile  = "manifest.json"
	ManifestSig   = "manifest.json.sig"
	SBOMFile      = "sbom.cdx.json"
	VulnsFile     = "vulns.json"
	ProductFile   = "product.yaml"
	ReleaseFile   = "release.yaml"
	AnswersFile   = "answers.yaml"
	KEVFile       = "kev.json"
	// FleetStatusFile is a `craudit fleet status --format json` snapshot
	// (issue 19); ArchitectureFile the manufacturer's architecture
	// description named by product.yaml (Annex VII point 2(a)).
	FleetStatusFile  = "fleet-status.json"
	ArchitectureFile = "architecture"
	TranscriptFile   = "live/transcript.json"
	AttackFile       = "live/attack-results.json"
	ArtefactDir      = "artefacts/"
	VEXDir           = "vex/"
	ProvenanceDir    = "provenance/"
	ImportedDir      = "imported/"
	EvidenceDir      = "evidence/"
)

// Roles of bundle items.
const (
	RoleArtefact      = "artefact"
	RoleManifest      = "manifest"
	RoleSignature     = "signature"
	RoleSignerKey     = "signer-key"
	RoleCertificate   = "vendor-certificate"
	RoleSBOM          = "sbom"
	RoleSBOMImported  = "sbom-imported"
	RoleVulns         = "vulnerabilities"
	RoleVEX           = "vex"
	RoleKEV           = "known-exploited"
	RoleFleetStatus   = "fleet-status"
	RoleArchitecture  = "architecture"
	RoleProvenance    = "provenance"
	RoleProduct       = "product"
	RoleRelease       = "release"
	RoleAnswers       = "answers"
	RoleDeclEvidence  = "declaration-evidence"
	RoleTranscript    = "transcript"
	RoleAttackResults = "attack-results"
)

// Item is one file of the bundle.
type Item struct {
	Path      string `json:"path"`
	Role      string `json:"role"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
	SHA512    string `json:"sha512"`
}

// Index is bundle.json.
type Index struct {
	Schema  string    `json:"schema"`
	Product Subject   `json:"product"`
	Release Version   `json:"release"`
	Created time.Time `json:"created"`
	Tool    Tool      `json:"tool"`
	Items   []Item    `json:"items"`
}

// Subject names the product a bundle is about.
type Subject struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Model        string `json:"model,omitempty"`
	Manufacturer string `json:"manufacturer"`
}

// Version names the release.
type Version struct {
	Version    string `json:"version"`
	UpdateType string `json:"update_type,omitempty"`
}

// Tool names what made the bundle.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Item returns the item at path.
func (x *Index) Item(path string) (Item, bool) {
	i, ok := slices.BinarySearchFunc(x.Items, path, func(it Item, p string) int { return strings.Compare(it.Path, p) })
	if !ok {
		return Item{}, false
	}
	return x.Items[i], true
}

// ByRole returns the items with a role, in path order.
func (x *Index) ByRole(role string) []Item {
	var out []Item
	for _, it := range x.Items {
		if it.Role == role {
			out = append(out, it)
		}
	}
	return out
}

// Marshal encodes the index deterministically.
func (x *Index) Marshal() ([]byte, error) {
	c := *x
	c.Schema = Schema
	c.Created = c.Created.UTC()
	c.Items = slices.Clone(x.Items)
	slices.SortFunc(c.Items, func(a, b Item) int { return strings.Compare(a.Path, b.Path) })
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// MaxIndex bounds bundle.json.
const MaxIndex = 64 << 20

// ParseIndex decodes bundle.json strictly and checks its paths are safe,
// unique and sorted.
func ParseIndex(b []byte) (*Index, error) {
	if len(b) > MaxIndex {
		return nil, fmt.Errorf("%s larger than %d bytes", IndexFile, MaxIndex)
	}
	var x Index
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&x); err != nil {
		return nil, fmt.Errorf("%s: %w", IndexFile, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: trailing data", IndexFile)
	}
	if x.Schema != Schema {
		return nil, fmt.Errorf("%s: schema %q, want %q", IndexFile, x.Schema, Schema)
	}
	for i, it := range x.Items {
		if !product.LocalPath(it.Path) || it.Path == IndexFile || it.Path == IndexSigFile {
			return nil, fmt.Errorf("%s: item %d: path %q is not allowed", IndexFile, i, it.Path)
		}
		if i > 0 && x.Items[i-1].Path >= it.Path {
			return nil, fmt.Errorf("%s: items are not sorted and unique at %q", IndexFile, it.Path)
		}
		if it.Size < 0 || len(it.SHA256) != 64 || len(it.SHA512) != 128 {
			return nil, fmt.Errorf("%s: item %q: size and hashes are required", IndexFile, it.Path)
		}
	}
	return &x, nil
}

// PathOnly reports whether reports must cite an item by path alone. Its
// bytes change from run to run on the same inputs (signatures are randomised,
// DSSE envelopes carry signatures, live evidence has ports and times), so
// printing its hash would make reports irreproducible; the hash is still
// pinned by bundle.json and the dossier's SHA256SUMS.
func PathOnly(path, role string) bool {
	switch role {
	case RoleSignature, RoleProvenance, RoleTranscript, RoleAttackResults:
		return true
	}
	return strings.HasSuffix(path, ".sig") || strings.HasPrefix(path, "live/")
}

// Updater artefacts (RAUC, SWUpdate, Mender) are inspected at bundle time:
// one inspection per artefact, the trust anchors product.yaml names, and
// the updater configurations given to `bundle --updater-config` (the file
// as given and its typed record).
const (
	ArtefactInspectionDir  = "artefact-inspection/"
	ArtefactTrustDir       = "keys/artefact-trust/"
	UpdaterConfigDir       = "updater-config/"
	RoleArtefactInspection = "artefact-inspection"
	RoleArtefactTrust      = "artefact-trust"
	RoleUpdaterConfig      = "updater-config"
	RoleUpdaterConfigFile  = "updater-config-source"
)

// The Sigstore trusted root given to `bundle --trusted-root` is kept in the
// bundle so imported Sigstore bundles can be verified again offline; the
// bundle's signature vouches for it.
const (
	SigstoreRoot     = "keys/sigstore-trusted-root.json"
	RoleSigstoreRoot = "sigstore-trusted-root"
)
