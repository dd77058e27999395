package inspect

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/craudit/craudit/evidence/artefact"
	"github.com/craudit/craudit/evidence/artefact/mender"
	"github.com/craudit/craudit/evidence/artefact/swupdate"
)

// pattern is an endless deterministic byte stream: an image of any size
// without holding it.
type pattern struct{ n, size int64 }

func (p *pattern) Read(b []byte) (int, error) {
	if p.n >= p.size {
		return 0, io.EOF
	}
	if int64(len(b)) > p.size-p.n {
		b = b[:p.size-p.n]
	}
	for i := range b {
		b[i] = byte((p.n + int64(i)) * 2654435761 >> 13)
	}
	p.n += int64(len(b))
	return len(b), nil
}

func patternSum(size int64) string {
	h := sha256.New()
	io.Copy(h, &pattern{size: size})
	return fmt.Sprintf("%x", h.Sum(nil))
}

func cpioHeader(name string, size int64) []byte {
	nm := name + "\x00"
	h := fmt.Sprintf("070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1, 0o100644, 0, 0, 1, 0, size, 0, 0, 0, 0, len(nm), 0) + nm
	for len(h)%4 != 0 {
		h += "\x00"
	}
	return []byte(h)
}

func pad(n int64) []byte { return make([]byte, (4-n%4)%4) }

// swuStream is an unsigned .swu with one image of size bytes, as a stream.
func swuStream(size int64) io.Reader {
	desc := fmt.Sprintf("software = { version = \"1\"; images: ( { filename = \"img\"; sha256 = \"%s\"; } ); };\n", patternSum(size))
	return io.MultiReader(bytes.NewReader(cpioHeader("sw-description", int64(len(desc)))), bytes.NewReader([]byte(desc)),
		bytes.NewReader(pad(int64(len(desc)))), bytes.NewReader(cpioHeader("img", size)), &pattern{size: size},
		bytes.NewReader(pad(size)), bytes.NewReader(cpioHeader("TRAILER!!!", 0)))
}

// menderStream is an unsigned Mender v3 artefact with an uncompressed
// payload of one file of size bytes, as a stream.
func menderStream(size int64) io.Reader {
	var head bytes.Buffer
	tw := tar.NewWriter(&head)
	add := func(name, body string) {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg})
		io.WriteString(tw, body)
	}
	add("version", `{"format":"mender","version":3}`)
	add("manifest", patternSum(size)+"  data/0000/img\n")
	var hdr bytes.Buffer
	htw := tar.NewWriter(&hdr)
	hi := `{"payloads":[{"type":"single-file"}],"artifact_provides":{"artifact_name":"x"},"artifact_depends":{"device_type":["d"]}}`
	htw.WriteHeader(&tar.Header{Name: "header-info", Mode: 0o600, Size: int64(len(hi)), Typeflag: tar.TypeReg})
	io.WriteString(htw, hi)
	htw.Close()
	add("header.tar", hdr.String())
	inner := int64(512) + (size+511)/512*512 + 1024
	tw.WriteHeader(&tar.Header{Name: "data/0000.tar", Mode: 0o600, Size: inner, Typeflag: tar.TypeReg})
	tw.Flush()
	var ih bytes.Buffer
	itw := tar.NewWriter(&ih)
	itw.WriteHeader(&tar.Header{Name: "img", Mode: 0o600, Size: size, Typeflag: tar.TypeReg})
	itw.Flush()
	tail := make([]byte, (size+511)/512*512-size+1024) // file padding + inner end blocks
	return io.MultiReader(&head, &ih, &pattern{size: size}, bytes.NewReader(tail), bytes.NewReader(make([]byte, 1024)))
}

// TestBoundedMemory verifies artefacts of 16 MiB and 256 MiB as streams and
// checks that the bytes allocated do not grow with the artefact.
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 0.5 GiB of generated data")
	}
	for _, c := range []struct {
		name   string
		verify func(size int64) (*artefact.Report, error)
	}{
		{"swupdate", func(size int64) (*artefact.Report, error) {
			return swupdate.Verify(swuStream(size), 0, artefact.Options{})
		}},
		{"mender", func(size int64) (*artefact.Report, error) {
			return mender.Verify(menderStream(size), 0, artefact.Options{})
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			alloc := func(size int64) uint64 {
				var a, b runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&a)
				rep, err := c.verify(size)
				runtime.ReadMemStats(&b)
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Images) != 1 || !rep.Images[0].Verified || rep.Images[0].Size != size {
					t.Fatalf("%d bytes: %+v", size, rep)
				}
				return b.TotalAlloc - a.TotalAlloc
			}
			small, large := alloc(16<<20), alloc(256<<20)
			t.Logf("allocated %d bytes for 16 MiB, %d bytes for 256 MiB", small, large)
			if large > small+(1<<20) || large > 8<<20 {
				t.Fatalf("allocation grows with the artefact: %d bytes for 16 MiB, %d for 256 MiB", small, large)
			}
		})
	}
}

// BenchmarkVerifySWUpdate256MiB and BenchmarkVerifyMender256MiB verify a
// generated 256 MiB image as a stream (the generator's own cost included).
func BenchmarkVerifySWUpdate256MiB(b *testing.B) {
	const size = 256 << 20
	b.SetBytes(size)
	for b.Loop() {
		if rep, err := swupdate.Verify(swuStream(size), 0, artefact.Options{}); err != nil || !rep.Images[0].Verified {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyMender256MiB(b *testing.B) {
	const size = 256 << 20
	b.SetBytes(size)
	for b.Loop() {
		if rep, err := mender.Verify(menderStream(size), 0, artefact.Options{}); err != nil || !rep.Images[0].Verified {
			b.Fatal(err)
		}
	}
}
