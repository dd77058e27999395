package product

import (
	"github.com/craudit/craudit/evidence/atomicfs"

	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// MaxYAML bounds an input YAML file; these are hand-written descriptions.
const MaxYAML = 1 << 20

// DecodeYAML decodes one YAML document strictly into v.
func DecodeYAML(b []byte, v any) error {
	if len(b) > MaxYAML {
		return fmt.Errorf("larger than %d bytes", MaxYAML)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("empty document")
		}
		return err
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return errors.New("more than one YAML document")
	}
	return nil
}

// ReadFile reads a bounded input file; errors name it.
func ReadFile(path string) ([]byte, error) { return atomicfs.ReadFile(path, MaxYAML) }

func loadYAML(path string, v any) ([]byte, error) {
	b, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := DecodeYAML(b, v); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}
