package verifier_test

import (
	"context"
	"testing"

	"github.com/craudit/craudit/checks/verifier"
)

// BenchmarkVerifyTUF measures one full TUF run (root, timestamp, snapshot,
// targets, a delegation and two targets) against a loopback HTTPS server.
func BenchmarkVerifyTUF(b *testing.B) {
	f := newTUF(b, true)
	o := f.opts("fw.bin", "vendor/app.bin")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tr, err := verifier.Verify(context.Background(), o)
		if err != nil || !tr.OK() {
			b.Fatalf("%v %+v", err, tr)
		}
	}
}
