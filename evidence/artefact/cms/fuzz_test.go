package cms

import (
	"crypto/sha256"
	"testing"
)

func FuzzParse(f *testing.F) {
	f.Add([]byte{0x30, 0x03, 0x06, 0x01, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		sd, err := Parse(b)
		if err != nil {
			if Code(err) == "" {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		sum := sha256.Sum256(sd.Content)
		if _, err := sd.Verify(sum[:], Options{}); err != nil && Code(err) == "" {
			t.Fatalf("untyped error %v", err)
		}
		_ = sd.Embedded()
	})
}
