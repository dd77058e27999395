package producers

import (
	"os"
	"os/exec"
	"testing"

	"github.com/craudit/craudit/evidence/sbom/generate"
)

// BenchmarkBundle bundles one 64 MiB artefact (an opaque image, a padded
// executable, a Mender artefact when mender-artifact is installed, a plain
// and a verity RAUC bundle when rauc is)
// with the real producers, as `craudit bundle` does, and reports the bytes
// read per artefact byte (read/B); it fails when that exceeds one pass plus sniffAllowance (and,
// for the executable, its ELF image, which syft's cataloguers read).
// CRAUDIT_BENCH_ARTEFACT names a file to bundle instead (any size, as
// "given"; held to the limit when it is an opaque image, otherwise only
// reported: syft reads an archive again when it unpacks it).
func BenchmarkBundle(b *testing.B) {
	cases := singlePassCases(b, 64<<20)
	if p := os.Getenv("CRAUDIT_BENCH_ARTEFACT"); p != "" {
		cases = map[string]passCase{"given": {path: p, catalogue: -1}}
		if generate.IsOpaque(p) {
			cases["given"] = passCase{path: p}
		}
	} else if _, err := exec.LookPath("mender-artifact"); err == nil {
		// A recognised updater artefact, verified in the copy's read.
		cases["mender"] = passCase{path: updaterArtefact(b, "mender", 64<<20)}
	}
	if _, err := exec.LookPath("rauc"); err == nil && os.Getenv("CRAUDIT_BENCH_ARTEFACT") == "" {
		// Verified in the copy's read after a read of the bundle's ends.
		cases["rauc"] = passCase{path: updaterArtefact(b, "rauc", 64<<20)}
		cases["rauc-verity"] = passCase{path: updaterArtefact(b, "rauc-verity", 64<<20)}
	}
	for _, name := range []string{"opaque", "executable", "mender", "rauc", "rauc-verity", "given"} {
		c, ok := cases[name]
		if !ok {
			continue
		}
		b.Run(name, func(b *testing.B) {
			r := newRelease(b, c.path)
			st, err := os.Stat(c.path)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.Size())
			var read int64
			for b.Loop() {
				read += r.bundle(b)
			}
			perByte := float64(read) / float64(r.runs) / float64(st.Size())
			b.ReportMetric(perByte, "read/B")
			if limit := 1 + float64(sniffAllowance+c.catalogue)/float64(st.Size()); c.catalogue >= 0 && perByte > limit {
				b.Errorf("read %.4f bytes per artefact byte, more than %.4f: something reads it twice", perByte, limit)
			}
		})
	}
}
