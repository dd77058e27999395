package rauc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"

	"github.com/sylabs/squashfs"
	squashfslow "github.com/sylabs/squashfs/low"
	"github.com/sylabs/squashfs/low/directory"

	"github.com/craudit/craudit/evidence/artefact"
	"github.com/craudit/craudit/evidence/artefact/cms"
)

// Magic is the squashfs superblock magic a bundle starts with.
var Magic = []byte("hsqs")

// Layout is where the parts of a bundle sit.
type Layout struct {
	PayloadSize int64 // squashfs (+ verity tree) bytes before the signature
	SigOffset   int64
	SigSize     int64
}

// ReadLayout reads the trailing signature size of a bundle of size bytes.
func ReadLayout(r io.ReaderAt, size int64) (Layout, error) {
	if size < 8+4 {
		return Layout{}, artefact.Malformed(artefact.FormatRAUCPlain, "%d bytes is too short for a bundle", size)
	}
	var tail [8]byte
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return Layout{}, err
	}
	sig := binary.BigEndian.Uint64(tail[:])
	if sig == 0 || sig > uint64(size-8) || sig > 4<<20 {
		return Layout{}, artefact.Malformed(artefact.FormatRAUCPlain, "signature size %d does not fit the bundle", sig)
	}
	l := Layout{SigSize: int64(sig)}
	l.SigOffset = size - 8 - l.SigSize
	l.PayloadSize = l.SigOffset
	return l, nil
}

// Verify reads and verifies a bundle. The returned error is an I/O error or
// a *artefact.FormatError for a file that is not a readable bundle at all;
// everything else found wrong is a problem in the Report. It reads the
// bundle's ends and then streams it once through a Stream; a bundle whose
// verification cannot be planned that way (ErrNotStreamable) is read with
// random access.
func Verify(r io.ReaderAt, size int64, o artefact.Options) (*artefact.Report, error) {
	s, err := NewStream(r, size, o)
	if errors.Is(err, ErrNotStreamable) {
		return verifyAt(r, size, o)
	}
	if err != nil {
		return nil, err
	}
	if _, err := io.CopyBuffer(s, io.NewSectionReader(r, 0, size), make([]byte, 1<<20)); err != nil {
		return nil, err
	}
	return s.Finish()
}

// verifyAt is Verify with random access: the signature, then the payload
// digest or hash tree, then each image through the squashfs tables.
func verifyAt(r io.ReaderAt, size int64, o artefact.Options) (rep *artefact.Report, err error) {
	rep = &artefact.Report{Size: size, Format: artefact.FormatRAUCPlain}
	l, err := ReadLayout(r, size)
	if err != nil {
		return nil, err
	}
	sigDER := make([]byte, l.SigSize)
	if _, err := r.ReadAt(sigDER, l.SigOffset); err != nil {
		return nil, err
	}
	sd, err := cms.Parse(sigDER)
	if err != nil {
		return nil, artefact.Malformed(artefact.FormatRAUCPlain, "signature: %v", err)
	}
	rep.Signature = artefact.Signature{Kind: "cms", Present: true, Chain: artefact.Chain(sd.Embedded())}
	h, err := sd.Hash()
	if err != nil {
		rep.Add("signature-algorithm", "%v", err)
		rep.Finish()
		return rep, nil
	}
	payload := io.NewSectionReader(r, 0, l.PayloadSize)
	var man *Manifest
	var digest []byte
	if sd.Content != nil {
		// Verity (or crypt): the manifest is the signed content.
		rep.Format = artefact.FormatRAUCVerity
		hh := h.New()
		hh.Write(sd.Content)
		digest = hh.Sum(nil)
		if man, err = ParseManifest(sd.Content); err != nil {
			return nil, artefact.Malformed(rep.Format, "signed manifest: %v", err)
		}
	} else {
		hh := h.New()
		if _, err := artefact.Copy(payload, hh); err != nil {
			return nil, err
		}
		digest = hh.Sum(nil)
	}
	verifySignature(rep, sd, digest, o)

	if rep.Format == artefact.FormatRAUCVerity {
		if man.Format != "verity" {
			rep.Add("bundle-format", "inline-signed manifest declares format %q; only verity is read", man.Format)
			fillFromManifest(rep, man)
			rep.Finish()
			return rep, nil
		}
		dataSize, ok := checkVerity(rep, r, l, man)
		if ok {
			payload = io.NewSectionReader(r, 0, dataSize)
		} else {
			// Report the images as unverified: the payload is not trusted.
			fillFromManifest(rep, man)
			rep.Finish()
			return rep, nil
		}
	}
	fsys, err := openSquashfs(payload)
	if err != nil {
		rep.Add("payload", "the squashfs payload does not open: %v", err)
		if man != nil {
			fillFromManifest(rep, man)
		}
		rep.Finish()
		return rep, nil
	}
	return finishImages(rep, man, fileImages{payload, fsys})
}

// imageSource is what the end of an inspection needs of a trusted payload:
// the manifest's bytes and each image's SHA-256 and size. A bundle file
// (fileImages) and a Stream answer alike, so both judge the same way.
type imageSource interface {
	manifest() ([]byte, error)
	image(name string) (sum string, size int64, err error)
}

// finishImages completes rep once the payload is trusted: the manifest
// (man, or read from src when nil) lists the images, each hashed and its
// size compared with the manifest's.
func finishImages(rep *artefact.Report, man *Manifest, src imageSource) (*artefact.Report, error) {
	if man == nil {
		b, err := src.manifest()
		if err == nil {
			man, err = ParseManifest(b)
		}
		if err != nil {
			rep.Add("manifest", "manifest.raucm: %v", err)
			rep.Finish()
			return rep, nil
		}
	}
	fillFromManifest(rep, man)
	for i := range rep.Images {
		im := &rep.Images[i]
		name := man.Images[i].Filename
		if name == "" || !fs.ValidPath(name) || path.Dir(name) != "." {
			rep.Add("image-filename", "image %s: filename %q is not a plain file name", im.Name, name)
			continue
		}
		sum, n, err := src.image(name)
		if err != nil {
			rep.Add("image-read", "image %s: %v", im.Name, err)
			continue
		}
		im.SHA256 = sum
		if man.Images[i].Size != "" && man.Images[i].Size != strconv.FormatInt(n, 10) {
			rep.Add("image-size", "image %s: %d bytes, manifest declares %s", im.Name, n, man.Images[i].Size)
		}
		im.Size = n
	}
	rep.Finish()
	return rep, nil
}

// fileImages reads the images from the squashfs of a bundle file.
type fileImages struct {
	payload *io.SectionReader
	fsys    *squashfs.Reader
}

func (f fileImages) manifest() ([]byte, error) { return readSmall(f.fsys, "manifest.raucm") }

func (f fileImages) image(name string) (string, int64, error) {
	sum, n, err := hashDirect(f.payload, f.payload.Size(), f.fsys, name)
	if errors.Is(err, errSlowPath) {
		sum, n, err = hashFile(f.fsys, name)
	}
	return sum, n, err
}

func verifySignature(rep *artefact.Report, sd *cms.SignedData, digest []byte, o artefact.Options) {
	ku, err := o.ExtKeyUsages()
	if err != nil {
		rep.Add("purpose", "%v", err)
		return
	}
	res, err := sd.Verify(digest, cms.Options{Roots: o.Roots, Time: o.At(), KeyUsages: ku})
	if res != nil {
		rep.Signature.Valid = true
		rep.Signature.SigningTime = res.SigningTime
		rep.Signature.Trusted = res.Trusted
		if res.Trusted {
			rep.Signature.Chain = artefact.Chain(res.Chain)
		}
	}
	if o.Roots != nil {
		rep.Signature.Anchor = "ca"
	}
	if err != nil {
		rep.Add("signature-"+cms.Code(err), "%v", err)
	}
}

// checkVerity checks the verity parameters and the payload's hash tree; it
// returns the squashfs size and whether the payload is verified.
func checkVerity(rep *artefact.Report, r io.ReaderAt, l Layout, man *Manifest) (int64, bool) {
	v := verityParams(rep, l, man)
	if v == nil {
		return 0, false
	}
	if err := VerifyVerity(r, v.dataSize, v.treeSize, v.salt, v.root); err != nil {
		rep.Add("verity", "%v", err)
		return 0, false
	}
	rep.Detail("verity", "payload verified against the signed root hash")
	return v.dataSize, true
}

func fillFromManifest(rep *artefact.Report, man *Manifest) {
	rep.FormatVersion = man.Format
	rep.Version = man.Version
	rep.Compatible = []string{man.Compatible}
	if man.Build != "" {
		rep.Detail("build", man.Build)
	}
	if rep.Images != nil {
		return
	}
	rep.Images = make([]artefact.Image, len(man.Images))
	for i, mi := range man.Images {
		rep.Images[i] = artefact.Image{Name: mi.Filename, Target: mi.Slot, Declared: mi.SHA256}
		if rep.Images[i].Name == "" {
			rep.Images[i].Name = mi.Slot
		}
	}
}

// openSquashfs opens the payload; a panic in the squashfs reader on hostile
// input is contained and reported as an error.
func openSquashfs(r io.ReaderAt) (fsys *squashfs.Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			fsys, err = nil, fmt.Errorf("squashfs reader failed: %v", p)
		}
	}()
	sq, err := squashfs.NewReader(r)
	if err != nil {
		return nil, err
	}
	return sq, nil
}

// baseFromEntry reads a directory entry's inode; a panic in the squashfs
// reader on hostile input is contained and reported as an error.
func baseFromEntry(sq *squashfs.Reader, e directory.Entry) (b squashfslow.FileBase, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("squashfs reader failed: %v", p)
		}
	}()
	return sq.Low.BaseFromEntry(e)
}

func readSmall(fsys *squashfs.Reader, name string) (b []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			b, err = nil, fmt.Errorf("squashfs reader failed: %v", p)
		}
	}()
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err = io.ReadAll(io.LimitReader(f, maxManifest+1))
	if err == nil && len(b) > maxManifest {
		err = errors.New("too large")
	}
	return b, err
}

func hashFile(fsys *squashfs.Reader, name string) (sum string, n int64, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("squashfs reader failed: %v", p)
		}
	}()
	f, err := fsys.Open(name)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return "", 0, fmt.Errorf("%s is not a regular file", name)
	}
	return artefact.SHA256(f)
}
