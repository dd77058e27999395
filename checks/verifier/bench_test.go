package verifier_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/fixtures/shared"
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

// BenchmarkVerifySigstoreLive measures the real Sigstore repository: ten
// root rotations, timestamp, snapshot, targets and trusted_root.json.
func BenchmarkVerifySigstoreLive(b *testing.B) {
	archive := shared.Testdata(b, "tuf", "sigstore-root-signing-live.tar.gz")
	dir := filepath.Join(untar(b, archive), "sigstore-root-signing-live")
	ref := parseFaketime(b, readTrim(b, filepath.Join(dir, "REFERENCE_TIME")))
	s := serve(b, dir)
	o := verifier.Options{RepoURL: s.URL, TrustFile: filepath.Join(dir, "initial_root.json"), CAFile: s.CAPath,
		Targets: []string{readTrim(b, filepath.Join(dir, "targetpath"))}, ReferenceTime: ref}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tr, err := verifier.Verify(context.Background(), o)
		if err != nil || !tr.OK() {
			b.Fatalf("%v %+v", err, tr)
		}
	}
}
