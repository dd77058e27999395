package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Schema identifies the manifest format.
const Schema = "https://craudit.dev/schema/manifest/v1"

// Artefact is one file the update installs.
type Artefact struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	SHA512 string `json:"sha512"`
}

// Manifest is the signed statement about one release.
type Manifest struct {
	Schema          string     `json:"schema"`
	Product         string     `json:"product"`
	Model           string     `json:"model,omitempty"`
	HardwareIDs     []string   `json:"hardware_ids"`
	Version         string     `json:"version"`
	RollbackCounter *uint64    `json:"rollback_counter"`
	Timestamp       time.Time  `json:"timestamp"`
	Expires         time.Time  `json:"expires"`
	UpdateType      string     `json:"update_type"`
	Severity        string     `json:"severity,omitempty"`
	AdvisoryURL     string     `json:"advisory_url,omitempty"`
	Artefacts       []Artefact `json:"artefacts"`
}

// maxManifest bounds a manifest read from an untrusted source.
const maxManifest = 1 << 20

// Marshal encodes the manifest deterministically (artefacts and hardware IDs sorted).
func (m *Manifest) Marshal() ([]byte, error) {
	c := *m
	c.Schema = Schema
	c.HardwareIDs = slices.Clone(m.HardwareIDs)
	slices.Sort(c.HardwareIDs)
	if c.HardwareIDs == nil {
		c.HardwareIDs = []string{}
	}
	c.Artefacts = slices.Clone(m.Artefacts)
	slices.SortFunc(c.Artefacts, func(a, b Artefact) int { return stringsCompare(a.Name, b.Name) })
	c.Timestamp = c.Timestamp.UTC()
	c.Expires = c.Expires.UTC()
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func stringsCompare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Parse decodes a manifest strictly: unknown fields, trailing data and a
// wrong schema are errors. It does not judge the content.
func Parse(b []byte) (*Manifest, error) {
	if len(b) > maxManifest {
		return nil, fmt.Errorf("manifest larger than %d bytes", maxManifest)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("manifest: trailing data after the JSON object")
	}
	if m.Schema != Schema {
		return nil, fmt.Errorf("manifest: schema %q, want %q", m.Schema, Schema)
	}
	for i, a := range m.Artefacts {
		if a.Name == "" || a.Size < 0 || len(a.SHA256) != 64 || len(a.SHA512) != 128 {
			return nil, fmt.Errorf("manifest: artefact %d: name, size, sha256 and sha512 are required", i)
		}
	}
	return &m, nil
}
