package producers

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/fixtures/shared"
)

func runIn(tb testing.TB, dir, stdin, name string, args ...string) {
	tb.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// updaterArtefact makes, with the updater's own tool, an artefact of kind
// "swupdate" (cpio newc, unsigned), "mender" (mender-artifact, no
// compression, unsigned), "rauc" or "rauc-verity" (rauc bundle, plain or
// verity, CMS-signed by a throw-away openssl CA) around one image of size
// random bytes.
func updaterArtefact(tb testing.TB, kind string, size int64) string {
	tb.Helper()
	dir := tb.TempDir()
	img := filepath.Join(dir, "image.img")
	appendRandom(tb, img, size, 3)
	switch kind {
	case "swupdate":
		shared.NeedTools(tb, "cpio")
		data, err := os.ReadFile(img)
		if err != nil {
			tb.Fatal(err)
		}
		sum := sha256.Sum256(data)
		swu := filepath.Join(dir, "swu")
		if err := os.Mkdir(swu, 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.Rename(img, filepath.Join(swu, "rootfs.img")); err != nil {
			tb.Fatal(err)
		}
		writeFile(tb, swu, "sw-description", []byte(`software = { version = "1.0.1"; hardware-compatibility: [ "1.0" ]; `+
			`images: ( { filename = "rootfs.img"; device = "/dev/null"; type = "raw"; sha256 = "`+hex.EncodeToString(sum[:])+`"; } ); };`+"\n"))
		runIn(tb, swu, "sw-description\nrootfs.img\n", "sh", "-c", "cpio -o -H newc > ../firmware.swu")
		return filepath.Join(dir, "firmware.swu")
	case "mender":
		shared.NeedTools(tb, "mender-artifact")
		out := filepath.Join(dir, "firmware.mender")
		runIn(tb, dir, "", "mender-artifact", "write", "module-image", "-T", "single-file", "-t", "st100",
			"-n", "fw-1.0.1", "-f", img, "-o", out, "--compression", "none")
		return out
	case "rauc", "rauc-verity":
		format := "plain"
		if kind == "rauc-verity" {
			format = "verity"
		}
		shared.NeedTools(tb, "rauc", "mksquashfs", "openssl")
		runIn(tb, dir, "", "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
			"-keyout", "signer.key", "-out", "signer.pem", "-days", "30", "-subj", "/CN=single-pass",
			"-addext", "keyUsage=critical,digitalSignature", "-addext", "extendedKeyUsage=emailProtection")
		content := filepath.Join(dir, "content")
		if err := os.Mkdir(content, 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.Rename(img, filepath.Join(content, "rootfs.img")); err != nil {
			tb.Fatal(err)
		}
		writeFile(tb, content, "manifest.raucm", []byte("[update]\ncompatible=st100\nversion=1.0.1\n\n[bundle]\nformat="+format+"\n\n[image.rootfs]\nfilename=rootfs.img\n"))
		out := filepath.Join(dir, "firmware.raucb")
		runIn(tb, dir, "", "rauc", "bundle", "--cert", "signer.pem", "--key", "signer.key",
			"--mksquashfs-args=-noI -noD -noF -noX", content, out)
		return out
	}
	tb.Fatalf("unknown updater kind %q", kind)
	return ""
}

// updaterPasses is how many times bundling reads an updater artefact of
// each kind: once (the verifiers read the stream of the copy; a RAUC
// bundle's verifier reads its signature and squashfs tables ahead, which
// sniffAllowance covers for the small image here).
var updaterPasses = map[string]int64{"swupdate": 1, "mender": 1, "rauc": 1, "rauc-verity": 1}

// TestUpdaterSinglePass pins, without timing, how many passes bundling
// makes over a recognised updater artefact (the copy, both hashes, the
// artefact's own verification and the SBOM): at most updaterPasses[kind]
// times its size plus sniffAllowance.
func TestUpdaterSinglePass(t *testing.T) {
	const size = 16 << 20
	for _, kind := range []string{"swupdate", "mender", "rauc", "rauc-verity"} {
		t.Run(kind, func(t *testing.T) {
			p := updaterArtefact(t, kind, size)
			r := newRelease(t, p)
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			read := r.bundle(t)
			passes := updaterPasses[kind]
			t.Logf("%s: read %d bytes for a %d-byte artefact (%.4f per byte; allowed %d passes + %d)",
				kind, read, st.Size(), float64(read)/float64(st.Size()), passes, sniffAllowance)
			if read > passes*st.Size()+sniffAllowance {
				t.Errorf("bundling a %s artefact read %d bytes, more than %d passes over its %d bytes plus %d", kind, read, passes, st.Size(), sniffAllowance)
			}
			if read < st.Size() {
				t.Errorf("bundling a %s artefact read %d bytes, less than its %d: the count misses the copy", kind, read, st.Size())
			}
		})
	}
}
