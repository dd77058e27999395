package rauc

import (
	"bufio"
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// maxManifest bounds a manifest read from an untrusted bundle.
const maxManifest = 1 << 20

// Manifest is a RAUC manifest (manifest.raucm): a key file of sections.
type Manifest struct {
	Compatible  string
	Version     string
	Description string
	Build       string
	// Format is the [bundle] format: "plain" (also when absent), "verity", "crypt".
	Format     string
	VerityHash string
	VeritySalt string
	VeritySize string
	Images     []ManifestImage
	// Sections holds every section's keys as read.
	Sections map[string]map[string]string
}

// ManifestImage is one [image.CLASS] or [image.CLASS.VARIANT] section.
type ManifestImage struct {
	Slot     string
	Filename string
	SHA256   string
	Size     string
}

// ParseManifest reads a manifest strictly: sections and key=value lines,
// '#' comments, no key outside a section, no key twice in a section.
func ParseManifest(b []byte) (*Manifest, error) {
	if len(b) > maxManifest {
		return nil, fmt.Errorf("manifest of %d bytes exceeds %d", len(b), maxManifest)
	}
	m := &Manifest{Sections: map[string]map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), maxManifest)
	var sec map[string]string
	var secName string
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "["):
			if !strings.HasSuffix(line, "]") || len(line) < 3 {
				return nil, fmt.Errorf("manifest line %d: bad section header", n)
			}
			secName = line[1 : len(line)-1]
			if _, dup := m.Sections[secName]; dup {
				return nil, fmt.Errorf("manifest line %d: section [%s] twice", n, secName)
			}
			sec = map[string]string{}
			m.Sections[secName] = sec
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || sec == nil {
				return nil, fmt.Errorf("manifest line %d: not a key=value line inside a section", n)
			}
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if _, dup := sec[k]; dup {
				return nil, fmt.Errorf("manifest line %d: key %s twice in [%s]", n, k, secName)
			}
			sec[k] = v
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("manifest: %v", err)
	}
	u := m.Sections["update"]
	m.Compatible, m.Version, m.Description, m.Build = u["compatible"], u["version"], u["description"], u["build"]
	if u == nil || m.Compatible == "" {
		return nil, fmt.Errorf("manifest: [update] compatible is missing")
	}
	bs := m.Sections["bundle"]
	m.Format = "plain"
	if f := bs["format"]; f != "" {
		m.Format = f
	}
	m.VerityHash, m.VeritySalt, m.VeritySize = bs["verity-hash"], bs["verity-salt"], bs["verity-size"]
	for name, s := range m.Sections {
		if slot, ok := strings.CutPrefix(name, "image."); ok {
			m.Images = append(m.Images, ManifestImage{Slot: slot, Filename: s["filename"], SHA256: strings.ToLower(s["sha256"]), Size: s["size"]})
		}
	}
	sort.Slice(m.Images, func(i, j int) bool { return m.Images[i].Slot < m.Images[j].Slot })
	return m, nil
}
