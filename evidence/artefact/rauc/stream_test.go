package rauc

import (
	"bytes"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/craudit/craudit/evidence/artefact"
	"github.com/craudit/craudit/fixtures/shared"
)

func runTool(tb testing.TB, dir, name string, args ...string) {
	tb.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// testSigner makes a self-signed signer with openssl and returns its
// certificate and key paths and the trust that accepts it.
func testSigner(tb testing.TB) (cert, key string, o artefact.Options) {
	tb.Helper()
	shared.NeedTools(tb, "openssl")
	dir := tb.TempDir()
	runTool(tb, dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", "signer.key", "-out", "signer.pem", "-days", "30", "-subj", "/CN=stream test",
		"-addext", "keyUsage=critical,digitalSignature", "-addext", "extendedKeyUsage=emailProtection")
	cert, key = filepath.Join(dir, "signer.pem"), filepath.Join(dir, "signer.key")
	b, err := os.ReadFile(cert)
	if err != nil {
		tb.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	o.Roots = x509.NewCertPool()
	o.Roots.AddCert(c)
	return cert, key, o
}

// testBundle builds, with the real rauc, a bundle of format (plain or
// verity) holding a large image (random blocks and compressible blocks),
// an image that fits in a fragment, an image of zeros (sparse blocks) and
// a hook script, with mksquashfs given args.
func testBundle(tb testing.TB, cert, key, format, args string, big int) string {
	tb.Helper()
	shared.NeedTools(tb, "rauc", "mksquashfs")
	dir := tb.TempDir()
	in := filepath.Join(dir, "content")
	if err := os.Mkdir(in, 0o755); err != nil {
		tb.Fatal(err)
	}
	r := rand.New(rand.NewPCG(uint64(big), 7))
	rootfs := make([]byte, big)
	for i := 0; i < big; i += 4096 {
		if (i/4096)%3 != 0 { // two thirds random, one third compressible
			for j := i; j < min(i+4096, big); j++ {
				rootfs[j] = byte(r.Uint32())
			}
		} else {
			copy(rootfs[i:], bytes.Repeat([]byte("craudit "), 512))
		}
	}
	files := map[string][]byte{
		"rootfs.img": rootfs,
		"small.img":  []byte(strings.Repeat("a small image in a fragment\n", 40)),
		"zeros.img":  make([]byte, 300<<10),
		"hook.sh":    []byte("#!/bin/sh\nexit 0\n"),
		"manifest.raucm": []byte("[update]\ncompatible=stream-test\nversion=2.0\n\n[bundle]\nformat=" + format +
			"\n\n[hooks]\nfilename=hook.sh\n\n[image.rootfs]\nfilename=rootfs.img\n\n[image.appfs]\nfilename=small.img\n\n[image.data]\nfilename=zeros.img\n"),
	}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(in, n), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	out := filepath.Join(dir, "b.raucb")
	a := []string{"bundle", "--cert", cert, "--key", key}
	if args != "" {
		a = append(a, "--mksquashfs-args="+args)
	}
	runTool(tb, dir, "rauc", append(a, in, out)...)
	return out
}

// streamIn verifies b with a Stream planned on plan's bytes, fed in
// pieces of the given sizes (cycled).
func streamIn(tb testing.TB, plan, b []byte, o artefact.Options, pieces ...int) *artefact.Report {
	tb.Helper()
	s, err := NewStream(bytes.NewReader(plan), int64(len(plan)), o)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; len(b) > 0; i++ {
		n := min(pieces[i%len(pieces)], len(b))
		if _, err := s.Write(b[:n]); err != nil {
			tb.Fatal(err)
		}
		b = b[n:]
	}
	rep, err := s.Finish()
	if err != nil {
		tb.Fatal(err)
	}
	return rep
}

func reportJSON(tb testing.TB, rep *artefact.Report) string {
	tb.Helper()
	b, err := rep.JSON()
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestStreamAgrees checks that the one-pass verification of bundles made
// by rauc (plain and verity, every squashfs compression read directly,
// data in blocks, fragments and sparse blocks) reports what the random
// access verification reports, however the stream is cut.
func TestStreamAgrees(t *testing.T) {
	cert, key, o := testSigner(t)
	for _, format := range []string{"plain", "verity"} {
		for _, args := range []string{"", "-comp xz", "-comp zstd", "-noI -noD -noF -noX", "-b 4096"} {
			t.Run(format+" "+args, func(t *testing.T) {
				p := testBundle(t, cert, key, format, args, 700<<10+123)
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := NewStream(bytes.NewReader(b), int64(len(b)), o); err != nil {
					t.Fatalf("not streamed: %v", err)
				}
				want, err := verifyAt(bytes.NewReader(b), int64(len(b)), o)
				if err != nil {
					t.Fatal(err)
				}
				if !want.Verified || len(want.Images) != 3 {
					t.Fatalf("the random access verification fails a good bundle:\n%s", reportJSON(t, want))
				}
				got, err := Verify(bytes.NewReader(b), int64(len(b)), o)
				if err != nil {
					t.Fatal(err)
				}
				if g, w := reportJSON(t, got), reportJSON(t, want); g != w {
					t.Fatalf("stream:\n%s\nrandom access:\n%s", g, w)
				}
				for _, pieces := range [][]int{{1 << 20}, {4095, 1, 70000}, {13}, {len(b)}} {
					if g, w := reportJSON(t, streamIn(t, b, b, o, pieces...)), reportJSON(t, want); g != w {
						t.Fatalf("pieces %v:\n%s\nwant\n%s", pieces, g, w)
					}
				}
			})
		}
	}
}

func hasCode(rep *artefact.Report, code string) bool {
	for _, p := range rep.Problems {
		if p.Code == code {
			return true
		}
	}
	return false
}

type changeCase struct {
	name string
	plan []byte // bytes read ahead
	data []byte // bytes streamed
	code string // a problem that must be reported ("" any)
}

// TestStreamChanged: a stream that differs from the bytes read ahead, or
// a bundle whose payload does not match its signature or hash tree, is
// never verified.
func TestStreamChanged(t *testing.T) {
	cert, key, o := testSigner(t)
	for _, format := range []string{"plain", "verity"} {
		t.Run(format, func(t *testing.T) {
			p := testBundle(t, cert, key, format, "", 400<<10)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if rep := streamIn(t, b, b, o, 1<<16); !rep.Verified {
				t.Fatalf("the good bundle fails:\n%s", reportJSON(t, rep))
			}
			l, err := ReadLayout(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			tables := int64(binary.LittleEndian.Uint64(b[64:]))
			flip := func(off int64) []byte {
				c := bytes.Clone(b)
				c[off] ^= 1
				return c
			}
			cases := []changeCase{
				{"superblock in the stream", b, flip(20), "signature-stream-mismatch"},
				{"tables in the stream", b, flip(tables + 5), "signature-stream-mismatch"},
				{"signature in the stream", b, flip(l.SigOffset + 40), "signature-stream-mismatch"},
				{"size in the stream", b, flip(int64(len(b)) - 1), "signature-stream-mismatch"},
				{"stream truncated", b, b[:len(b)-1], "signature-stream-mismatch"},
				{"stream longer", b, append(bytes.Clone(b), 0), "signature-stream-mismatch"},
				{"image data", flip(200 << 10), flip(200 << 10), ""},
				{"image data in the stream only", b, flip(200 << 10), ""},
			}
			if format == "verity" {
				cases = append(cases,
					changeCase{"hash tree", flip(l.PayloadSize - 100), flip(l.PayloadSize - 100), "verity"},
					changeCase{"image data against the tree", flip(200 << 10), flip(200 << 10), "verity"})
			} else {
				cases = append(cases, changeCase{"image data against the signature", flip(200 << 10), flip(200 << 10), "signature-digest-mismatch"})
			}
			for _, c := range cases {
				rep := streamIn(t, c.plan, c.data, o, 1<<16)
				if rep.Verified || (c.code != "" && !hasCode(rep, c.code)) {
					t.Errorf("%s: verified=%t, want a %q problem:\n%s", c.name, rep.Verified, c.code, reportJSON(t, rep))
				}
				// A changed stream fails both the signature and the image
				// checks (checks/artefactcheck reads these code prefixes).
				if c.code == "signature-stream-mismatch" && (rep.Signature.Valid || rep.Signature.Trusted || !hasCode(rep, "payload-stream-mismatch")) {
					t.Errorf("%s: the signature still counts: %+v", c.name, rep.Signature)
				}
			}
		})
	}
}

// FuzzStream plans on one byte string and streams another (the same with
// one byte changed), cut in two: never a panic, never verified.
func FuzzStream(f *testing.F) {
	if b, err := os.ReadFile("testdata/tiny.raucb"); err == nil {
		f.Add(b, uint32(0), uint32(4096))
	}
	f.Add(append([]byte("hsqs"), make([]byte, 200)...), uint32(3), uint32(7))
	f.Fuzz(func(t *testing.T, b []byte, at, cut uint32) {
		s, err := NewStream(bytes.NewReader(b), int64(len(b)), artefact.Options{})
		if err != nil {
			return
		}
		c := bytes.Clone(b)
		if len(c) > 0 {
			c[int(at)%len(c)] ^= 0x80
		}
		k := int(cut) % (len(c) + 1)
		s.Write(c[:k])
		s.Write(c[k:])
		rep, err := s.Finish()
		if err == nil && rep.Verified {
			t.Fatal("an untrusted bundle verified")
		}
	})
}

func BenchmarkStream(b *testing.B) {
	cert, key, o := testSigner(b)
	for _, format := range []string{"plain", "verity"} {
		b.Run(format, func(b *testing.B) {
			p := testBundle(b, cert, key, format, "", 32<<20)
			data, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				rep, err := Verify(bytes.NewReader(data), int64(len(data)), o)
				if err != nil || !rep.Verified {
					b.Fatal(err, fmt.Sprint(rep.Problems))
				}
			}
		})
	}
}
