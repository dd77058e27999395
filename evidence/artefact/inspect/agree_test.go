package inspect

import (
	"archive/tar"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/craudit/craudit/evidence/artefact"
	"github.com/craudit/craudit/fixtures/shared"
)

func run(t testing.TB, dir string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// toolAccepts runs a tool's own verifier and reports whether it exited 0.
func toolAccepts(t testing.TB, dir, name string, args ...string) (bool, string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("%s: %v", name, err)
		}
		return false, string(out)
	}
	return true, string(out)
}

type pki struct {
	dir                 string
	ca, otherCA         string // CA certificates (PEM)
	cert, key           string // signer certificate and key, issued by ca
	otherCert, otherKey string // signer issued by otherCA
}

const extCnf = `[v3_ca]
basicConstraints=critical,CA:true
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[v3_leaf]
basicConstraints=critical,CA:false
keyUsage=critical,digitalSignature
extendedKeyUsage=emailProtection,codeSigning
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
`

// newPKI makes two test CAs with openssl, each with one signer.
func newPKI(t testing.TB) *pki {
	shared.NeedTools(t, "openssl")
	d := t.TempDir()
	if err := os.WriteFile(filepath.Join(d, "ext.cnf"), []byte(extCnf), 0o600); err != nil {
		t.Fatal(err)
	}
	mk := func(name string) {
		run(t, d, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
			"-keyout", name+"-ca.key", "-out", name+"-ca.pem", "-days", "3650", "-subj", "/CN="+name+" CA",
			"-config", "ext.cnf", "-extensions", "v3_ca")
		run(t, d, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
			"-keyout", name+".key", "-out", name+".csr", "-subj", "/CN="+name+" signer", "-config", "ext.cnf")
		run(t, d, "openssl", "x509", "-req", "-in", name+".csr", "-CA", name+"-ca.pem", "-CAkey", name+"-ca.key",
			"-CAcreateserial", "-out", name+".pem", "-days", "3650", "-extfile", "ext.cnf", "-extensions", "v3_leaf")
	}
	mk("good")
	mk("other")
	p := func(n string) string { return filepath.Join(d, n) }
	return &pki{dir: d, ca: p("good-ca.pem"), otherCA: p("other-ca.pem"), cert: p("good.pem"), key: p("good.key"),
		otherCert: p("other.pem"), otherKey: p("other.key")}
}

// image writes size random bytes.
func image(t testing.TB, path string, size int) []byte {
	b := make([]byte, size)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return b
}

// tamper copies src to a new file with one byte flipped at the first
// occurrence of marker plus delta (or at off when marker is nil).
func tamper(t testing.TB, src string, marker []byte, delta, off int) string {
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if marker != nil {
		i := bytes.Index(b, marker)
		if i < 0 {
			t.Fatalf("marker not found in %s", src)
		}
		off = i + delta
	}
	b[off] ^= 0x01
	dst := src + ".tampered"
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

func verdict(t testing.TB, path string, o artefact.Options) *artefact.Report {
	t.Helper()
	rep, err := File(path, o)
	if err != nil {
		var fe *artefact.FormatError
		if !asFormatError(err, &fe) {
			t.Fatalf("%s: %v", path, err)
		}
		return &artefact.Report{Problems: []artefact.Problem{{Code: "format", Message: err.Error()}}}
	}
	return rep
}

func asFormatError(err error, fe **artefact.FormatError) bool {
	for e := err; e != nil; {
		if f, ok := e.(*artefact.FormatError); ok {
			*fe = f
			return true
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		e = u.Unwrap()
	}
	return false
}

// raucBundle builds a bundle of one image with the real rauc.
func raucBundle(t testing.TB, p *pki, dir, format, cert, key string, img []byte, version string) string {
	in := filepath.Join(dir, "in-"+format+"-"+version+filepath.Base(cert))
	if err := os.MkdirAll(in, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(in, "rootfs.img"), img, 0o600); err != nil {
		t.Fatal(err)
	}
	man := fmt.Sprintf("[update]\ncompatible=craudit-test\nversion=%s\n\n[bundle]\nformat=%s\n\n[image.rootfs]\nfilename=rootfs.img\n", version, format)
	if err := os.WriteFile(filepath.Join(in, "manifest.raucm"), []byte(man), 0o600); err != nil {
		t.Fatal(err)
	}
	out := in + ".raucb"
	run(t, dir, "rauc", "bundle", "--cert", cert, "--key", key, in, out)
	return out
}

func TestRAUCAgreesWithRauc(t *testing.T) {
	shared.NeedTools(t, "rauc", "mksquashfs")
	p := newPKI(t)
	dir := t.TempDir()
	// Random and compressible halves: stored and zlib-compressed squashfs
	// blocks, and a compressed fragment for the tail; the verity tree has
	// more than one block.
	img := image(t, filepath.Join(dir, "img"), 3<<20+123)
	copy(img[3<<19:], bytes.Repeat([]byte("compressible firmware text "), (3<<20)/27+1))
	for _, format := range []string{"plain", "verity"} {
		good := raucBundle(t, p, dir, format, p.cert, p.key, img, "1.2.3")
		wrong := raucBundle(t, p, dir, format, p.otherCert, p.otherKey, img, "1.2.3")
		bad := tamper(t, good, img[1<<19:1<<19+64], 17, 0)
		cases := []struct {
			name     string
			file     string
			ca       string
			rauc     bool // what rauc info --keyring says
			craudit  bool
			problems string
		}{
			{"valid", good, p.ca, true, true, ""},
			{"wrong signer", wrong, p.ca, false, false, "signature-untrusted"},
			{"one byte tampered", bad, p.ca, format == "verity", false, map[string]string{"plain": "signature-digest-mismatch", "verity": "verity"}[format]},
		}
		for _, c := range cases {
			t.Run(format+"/"+c.name, func(t *testing.T) {
				ok, out := toolAccepts(t, dir, "rauc", "info", "--keyring", c.ca, c.file)
				if ok != c.rauc {
					t.Fatalf("rauc info accepted=%t, this test expects %t:\n%s", ok, c.rauc, out)
				}
				pool, _, err := artefact.LoadCA(c.ca)
				if err != nil {
					t.Fatal(err)
				}
				rep := verdict(t, c.file, artefact.Options{Roots: pool})
				if rep.Verified != c.craudit {
					t.Fatalf("craudit verified=%t, want %t: %+v", rep.Verified, c.craudit, rep.Problems)
				}
				if c.problems != "" && !hasProblem(rep, c.problems) {
					t.Fatalf("want problem %s, got %+v", c.problems, rep.Problems)
				}
				if c.craudit {
					sum := sha256.Sum256(img)
					if len(rep.Images) != 1 || rep.Images[0].SHA256 != hex.EncodeToString(sum[:]) || rep.Version != "1.2.3" ||
						rep.Format != artefact.Format("rauc-"+format) || len(rep.Signature.Chain) != 2 {
						t.Fatalf("inspection: %+v", rep)
					}
				}
			})
		}
	}
}

func hasProblem(rep *artefact.Report, code string) bool {
	for _, p := range rep.Problems {
		if p.Code == code {
			return true
		}
	}
	return false
}

// swuArchive builds a .swu as SWUpdate's documentation describes: a
// sw-description, its CMS signature made with openssl cms, and the image, in
// a cpio newc archive made by cpio.
func swuArchive(t testing.TB, dir, name, cert, key string, img []byte, format string) string {
	d := filepath.Join(dir, name)
	if err := os.MkdirAll(d, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, "rootfs.img"), img, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(img)
	desc := fmt.Sprintf(`software =
{
	version = "2.0.1";
	hardware-compatibility: [ "1.0" ];
	images: (
		{
			filename = "rootfs.img";
			device = "%s";
			type = "raw";
			sha256 = "%x";
		}
	);
}
`, filepath.Join(d, "target.bin"), sum)
	if err := os.WriteFile(filepath.Join(d, "sw-description"), []byte(desc), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, d, "openssl", "cms", "-sign", "-in", "sw-description", "-out", "sw-description.sig", "-signer", cert,
		"-inkey", key, "-outform", "DER", "-nosmimecap", "-binary")
	cmd := exec.Command("cpio", "-o", "-H", format)
	cmd.Dir = d
	cmd.Stdin = strings.NewReader("sw-description\nsw-description.sig\nrootfs.img\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cpio: %v", err)
	}
	f := filepath.Join(dir, name+".swu")
	if err := os.WriteFile(f, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestSWUpdateAgreesWithSwupdate(t *testing.T) {
	shared.NeedTools(t, "swupdate", "cpio", "openssl")
	p := newPKI(t)
	dir := t.TempDir()
	img := image(t, filepath.Join(dir, "img"), 1<<20+5)
	for _, format := range []string{"newc", "crc"} {
		good := swuArchive(t, dir, "good-"+format, p.cert, p.key, img, format)
		wrong := swuArchive(t, dir, "wrong-"+format, p.otherCert, p.otherKey, img, format)
		badImg := tamper(t, good, img[1000:1064], 3, 0)
		badDesc := tamper(t, swuArchive(t, dir, "desc-"+format, p.cert, p.key, img, format), []byte(`version = "2.0.1"`), 12, 0)
		cases := []struct {
			name, file string
			want       bool
			problem    string
		}{
			{"valid", good, true, ""},
			{"wrong signer", wrong, false, "signature-untrusted"},
			{"image tampered", badImg, false, "image-hash-mismatch"},
			{"sw-description tampered", badDesc, false, "signature-digest-mismatch"},
		}
		for _, c := range cases {
			t.Run(format+"/"+c.name, func(t *testing.T) {
				ok, out := toolAccepts(t, dir, "swupdate", "-c", "-i", c.file, "-k", p.ca, "-H", "board:1.0")
				pool, _, _ := artefact.LoadCA(p.ca)
				rep := verdict(t, c.file, artefact.Options{Roots: pool})
				if ok != c.want || rep.Verified != c.want {
					t.Fatalf("swupdate -c accepted=%t, craudit verified=%t, want both %t; craudit: %+v\nswupdate:\n%s", ok, rep.Verified, c.want, rep.Problems, out)
				}
				if c.problem != "" && !hasProblem(rep, c.problem) {
					t.Fatalf("want problem %s, got %+v", c.problem, rep.Problems)
				}
				if c.want && (rep.Version != "2.0.1" || len(rep.Hardware) != 1 || len(rep.Images) != 1) {
					t.Fatalf("inspection: %+v", rep)
				}
			})
		}
	}
}

func TestSWUpdateRSAMode(t *testing.T) {
	shared.NeedTools(t, "openssl", "cpio")
	dir := t.TempDir()
	run(t, dir, "openssl", "genrsa", "-out", "rsa.key", "2048")
	run(t, dir, "openssl", "rsa", "-in", "rsa.key", "-pubout", "-out", "rsa.pub")
	run(t, dir, "openssl", "genrsa", "-out", "other.key", "2048")
	run(t, dir, "openssl", "rsa", "-in", "other.key", "-pubout", "-out", "other.pub")
	img := image(t, filepath.Join(dir, "rootfs.img"), 4096)
	sum := sha256.Sum256(img)
	desc := fmt.Sprintf("software = { version = \"3\"; images: ( { filename = \"rootfs.img\"; sha256 = \"%x\"; } ); };\n", sum)
	if err := os.WriteFile(filepath.Join(dir, "sw-description"), []byte(desc), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, dir, "openssl", "dgst", "-sha256", "-sign", "rsa.key", "-out", "sw-description.sig", "sw-description")
	cmd := exec.Command("cpio", "-o", "-H", "newc")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader("sw-description\nsw-description.sig\nrootfs.img\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	swu := filepath.Join(dir, "rsa.swu")
	if err := os.WriteFile(swu, out, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key  string
		want bool
	}{{"rsa.pub", true}, {"other.pub", false}} {
		k, err := artefact.LoadPublicKey(filepath.Join(dir, c.key))
		if err != nil {
			t.Fatal(err)
		}
		rep := verdict(t, swu, artefact.Options{Key: k})
		if rep.Verified != c.want || rep.Signature.Kind != "rsa-pkcs1v15" {
			t.Fatalf("%s: verified=%t kind=%s, want %t: %+v", c.key, rep.Verified, rep.Signature.Kind, c.want, rep.Problems)
		}
	}
	if rep := verdict(t, swu, artefact.Options{}); rep.Verified || !hasProblem(rep, "not-verified") {
		t.Fatalf("without a key: %+v", rep)
	}
}

func menderArtefact(t testing.TB, dir, name, key, compression string, img string) string {
	out := filepath.Join(dir, name+".mender")
	run(t, dir, "mender-artifact", "write", "module-image", "-T", "single-file", "-t", "dev1", "-n", "release-4.5.6",
		"-f", img, "-o", out, "-k", key, "--compression", compression)
	return out
}

// zstdCopy rewrites an artefact made with --compression none so its payload
// is data/0000.tar.zst (mender-artifact 3.9 cannot write zstd); the manifest
// and its signature cover the payload files, not the compressed tar, so the
// signature stays valid.
func zstdCopy(t testing.TB, src string) string {
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		if h.Name == "data/0000.tar" {
			var z bytes.Buffer
			zw, _ := zstd.NewWriter(&z)
			zw.Write(body)
			zw.Close()
			h.Name, body = "data/0000.tar.zst", z.Bytes()
			h.Size = int64(len(body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write(body)
	}
	tw.Close()
	dst := strings.TrimSuffix(src, ".mender") + "-zst.mender"
	if err := os.WriteFile(dst, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestMenderAgreesWithMenderArtifact(t *testing.T) {
	shared.NeedTools(t, "mender-artifact", "openssl")
	dir := t.TempDir()
	run(t, dir, "openssl", "ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "ec.sec1")
	run(t, dir, "openssl", "ec", "-in", "ec.sec1", "-out", "ec.key") // mender-artifact reads SEC1 and PKCS #1 keys
	run(t, dir, "openssl", "ec", "-in", "ec.key", "-pubout", "-out", "ec.pub")
	run(t, dir, "openssl", "genrsa", "-traditional", "-out", "rsa.key", "3072")
	run(t, dir, "openssl", "rsa", "-in", "rsa.key", "-pubout", "-out", "rsa.pub")
	run(t, dir, "openssl", "ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "other.key")
	run(t, dir, "openssl", "ec", "-in", "other.key", "-pubout", "-out", "other.pub")
	img := image(t, filepath.Join(dir, "rootfs.img"), 1<<20+77)
	imgPath := filepath.Join(dir, "rootfs.img")
	type tc struct {
		name, file, pub string
		tool            bool // run mender-artifact validate on it
		want            bool
	}
	var cases []tc
	for _, comp := range []string{"none", "gzip", "lzma"} {
		for _, k := range []string{"ec", "rsa"} {
			good := menderArtefact(t, dir, comp+"-"+k, filepath.Join(dir, k+".key"), comp, imgPath)
			cases = append(cases, tc{comp + "/" + k + "/valid", good, k + ".pub", true, true})
			if k == "ec" {
				cases = append(cases, tc{comp + "/ec/wrong key", good, "other.pub", true, false})
			}
			if comp == "none" {
				cases = append(cases, tc{comp + "/" + k + "/payload tampered", tamper(t, good, img[5000:5064], 9, 0), k + ".pub", true, false})
			} else {
				st, _ := os.Stat(good)
				cases = append(cases, tc{comp + "/" + k + "/tampered", tamper(t, good, nil, 0, int(st.Size())-3000), k + ".pub", true, false})
			}
			if comp == "none" && k == "ec" {
				z := zstdCopy(t, good)
				cases = append(cases, tc{"zstd/ec/valid", z, "ec.pub", false, true})
				b, _ := os.ReadFile(z)
				cases = append(cases, tc{"zstd/ec/tampered", tamper(t, z, nil, 0, len(b)-2000), "ec.pub", false, false})
			}
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.tool {
				ok, out := toolAccepts(t, dir, "mender-artifact", "validate", "-k", filepath.Join(dir, c.pub), c.file)
				if ok != c.want {
					t.Fatalf("mender-artifact validate accepted=%t, want %t:\n%s", ok, c.want, out)
				}
			}
			k, err := artefact.LoadPublicKey(filepath.Join(dir, c.pub))
			if err != nil {
				t.Fatal(err)
			}
			rep := verdict(t, c.file, artefact.Options{Key: k})
			if rep.Verified != c.want {
				t.Fatalf("craudit verified=%t, want %t: %+v", rep.Verified, c.want, rep.Problems)
			}
			if c.want && (rep.Name != "release-4.5.6" || len(rep.DeviceType) != 1 || rep.DeviceType[0] != "dev1" || len(rep.Images) != 1 || rep.Images[0].Size != int64(len(img))) {
				t.Fatalf("inspection: %+v", rep)
			}
		})
	}
}
