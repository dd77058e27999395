package primary

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/craudit/craudit/evidence/atomicfs"
)

// State is what a Primary keeps between runs: both repositories' trusted
// roots, the versions of every role it trusted (rollback protection) and
// per ECU the image it installed with its release counter.
type State struct {
	DirectorRoot []byte `json:"-"`
	ImageRoot    []byte `json:"-"`
	// Versions maps "director/targets", "image/timestamp", ... to the
	// version last trusted.
	Versions map[string]int64    `json:"versions"`
	ECUs     map[string]ECUState `json:"ecus"`
}

// ECUState is what one ECU runs, as far as the Primary knows.
type ECUState struct {
	Image             string `json:"image,omitempty"`
	SHA256            string `json:"sha256,omitempty"`
	ReleaseCounter    int64  `json:"release_counter"`
	HasReleaseCounter bool   `json:"has_release_counter"`
}

// State file names inside a state folder.
const (
	stateFile        = "uptane-state.json"
	directorRootFile = "director-root.json"
	imageRootFile    = "image-root.json"
	maxStateFile     = 1 << 20
)

// LoadState reads a state folder; a folder without state gives an empty
// State and no error.
func LoadState(dir string) (*State, error) {
	s := &State{Versions: map[string]int64{}, ECUs: map[string]ECUState{}}
	read := func(name string) ([]byte, error) {
		b, err := atomicfs.ReadFile(filepath.Join(dir, name), maxStateFile)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return b, err
	}
	b, err := read(stateFile)
	if err != nil {
		return nil, err
	}
	if b != nil {
		if err := json.Unmarshal(b, s); err != nil {
			return nil, fmt.Errorf("%s: %v", filepath.Join(dir, stateFile), err)
		}
		if s.Versions == nil {
			s.Versions = map[string]int64{}
		}
		if s.ECUs == nil {
			s.ECUs = map[string]ECUState{}
		}
	}
	if s.DirectorRoot, err = read(directorRootFile); err != nil {
		return nil, err
	}
	if s.ImageRoot, err = read(imageRootFile); err != nil {
		return nil, err
	}
	return s, nil
}

// Save writes the state folder atomically, file by file.
func (s *State) Save(dir string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{directorRootFile: s.DirectorRoot, imageRootFile: s.ImageRoot} {
		if data != nil {
			if err := atomicfs.WriteFile(filepath.Join(dir, name), data, 0o644, true); err != nil {
				return err
			}
		}
	}
	return atomicfs.WriteFile(filepath.Join(dir, stateFile), append(b, '\n'), 0o644, true)
}

func (s *State) clone() *State {
	c := &State{DirectorRoot: s.DirectorRoot, ImageRoot: s.ImageRoot, Versions: map[string]int64{}, ECUs: map[string]ECUState{}}
	for k, v := range s.Versions {
		c.Versions[k] = v
	}
	for k, v := range s.ECUs {
		c.ECUs[k] = v
	}
	return c
}
