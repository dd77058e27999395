package bundle

import "testing"

func FuzzParseIndex(f *testing.F) {
	f.Add([]byte(`{"schema":"https://craudit.dev/schema/bundle/v1","product":{"id":"p","name":"n","manufacturer":"m"},"release":{"version":"1"},"created":"2026-01-01T00:00:00Z","tool":{"name":"c","version":"1"},"items":[{"path":"a","role":"r","media_type":"t","size":1,"sha256":"` + string(make64('a')) + `","sha512":"` + string(make128('b')) + `"}]}`))
	f.Add([]byte(`{"items":[{"path":"../x"}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := ParseIndex(b)
		if err != nil {
			return
		}
		// Whatever parses must re-encode and parse again to the same items.
		out, err := x.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		y, err := ParseIndex(out)
		if err != nil {
			t.Fatalf("re-encoded index does not parse: %v", err)
		}
		if len(y.Items) != len(x.Items) {
			t.Fatal("item count changed in a round trip")
		}
	})
}

func make64(c byte) []byte  { return repeat(c, 64) }
func make128(c byte) []byte { return repeat(c, 128) }
func repeat(c byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return b
}
