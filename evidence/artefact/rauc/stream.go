package rauc

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sort"

	"github.com/sylabs/squashfs/low/inode"

	"github.com/craudit/craudit/evidence/artefact"
	"github.com/craudit/craudit/evidence/artefact/cms"
)

// ErrNotStreamable says a bundle's verification cannot be planned from
// its ends (a squashfs compression read only through the generic reader,
// tables that are not where mksquashfs puts them, or larger than
// maxTables): read it with Verify from a ReaderAt instead.
var ErrNotStreamable = errors.New("the RAUC bundle cannot be verified in one pass")

// Bounds of what NewStream reads ahead and keeps.
const (
	superblockSize = 96
	maxTables      = 16 << 20 // squashfs metadata tables read ahead
	maxFiles       = 256      // regular files of the squashfs root followed
	sideBySide     = 64 << 10 // a Write this large hashes ranges and spans at once
)

// errOutside is a planning read outside the regions read ahead.
var errOutside = errors.New("read outside the squashfs superblock and tables")

// Stream verifies a RAUC bundle from one front-to-back pass over its bytes,
// after NewStream read its two ends: the signature size and the CMS
// signature at the end of the file, and the squashfs superblock (at the
// start) and metadata tables (after the data). From those it knows, before
// the data goes by, which byte ranges hold what: the signed payload digest
// (plain) or the dm-verity data and hash tree (verity), and the data
// blocks and fragments of every file of the squashfs root. Write consumes
// the bytes in order, Finish judges. The bytes read ahead are compared
// with the same bytes in the stream: a bundle that changed between the two
// reads is not verified.
type Stream struct {
	o    artefact.Options
	size int64
	rep  *artefact.Report
	sd   *cms.SignedData
	man  *Manifest // verity: the signed manifest
	// early: the verdict does not depend on the payload (only the
	// comparison of the read-ahead bytes still runs).
	early bool

	pos      int64
	ranges   []streamRange
	spans    []*blockSpan
	next     int
	active   []*blockSpan
	pool     [][]byte
	mismatch string

	payload hash.Hash // plain: digest of [0, PayloadSize)
	verity  *verityStream
	sqErr   error
	files   map[string]*sqFile
	dec     func(dst, src []byte) ([]byte, error)
	decDone func()
	out     []byte
	bs      int64
}

// streamRange is a byte range handed to fn piece by piece.
type streamRange struct {
	start, end int64
	fn         func(p []byte, at int64)
}

// blockSpan is a byte range handed to fn whole (a squashfs data or
// fragment block); n == 0 is a sparse block.
type blockSpan struct {
	off, n int64
	buf    []byte
	got    int64
	fn     func(b []byte)
}

// sqFile is a regular file of the squashfs root followed in the stream.
type sqFile struct {
	size    int64
	h       hash.Hash
	hashed  int64
	pending int    // spans not yet seen
	tail    []byte // the part in a fragment, once seen
	tailLen int64
	capture []byte // manifest.raucm: the content
	err     error
}

// NewStream reads the ends of the bundle of size bytes at r and returns
// the Stream to feed with all its bytes, in order. Errors are those of
// Verify (I/O, *artefact.FormatError) and ErrNotStreamable.
func NewStream(r io.ReaderAt, size int64, o artefact.Options) (*Stream, error) {
	s := &Stream{o: o, size: size, rep: &artefact.Report{Size: size, Format: artefact.FormatRAUCPlain}}
	l, err := ReadLayout(r, size)
	if err != nil {
		return nil, err
	}
	tail := make([]byte, l.SigSize+8)
	if _, err := r.ReadAt(tail, l.SigOffset); err != nil {
		return nil, err
	}
	s.expect(l.SigOffset, tail)
	sd, err := cms.Parse(tail[:l.SigSize])
	if err != nil {
		return nil, artefact.Malformed(artefact.FormatRAUCPlain, "signature: %v", err)
	}
	s.sd = sd
	s.rep.Signature = artefact.Signature{Kind: "cms", Present: true, Chain: artefact.Chain(sd.Embedded())}
	h, err := sd.Hash()
	if err != nil {
		s.rep.Add("signature-algorithm", "%v", err)
		s.early = true
		return s, nil
	}
	sqSize := l.PayloadSize
	if sd.Content != nil {
		// Verity (or crypt): the manifest is the signed content.
		s.rep.Format = artefact.FormatRAUCVerity
		hh := h.New()
		hh.Write(sd.Content)
		if s.man, err = ParseManifest(sd.Content); err != nil {
			return nil, artefact.Malformed(s.rep.Format, "signed manifest: %v", err)
		}
		verifySignature(s.rep, sd, hh.Sum(nil), o)
		if s.man.Format != "verity" {
			s.rep.Add("bundle-format", "inline-signed manifest declares format %q; only verity is read", s.man.Format)
			s.early = true
			return s, nil
		}
		if s.verity = verityParams(s.rep, l, s.man); s.verity == nil {
			s.early = true
			return s, nil
		}
		sqSize = s.verity.dataSize
		v := s.verity
		s.ranges = append(s.ranges,
			streamRange{0, v.dataSize, func(p []byte, _ int64) { v.data(p) }},
			streamRange{v.dataSize, v.dataSize + v.treeSize, v.tree})
	} else {
		s.payload = h.New()
		s.ranges = append(s.ranges, streamRange{0, l.PayloadSize, func(p []byte, _ int64) { s.payload.Write(p) }})
	}
	if err := s.plan(r, sqSize); err != nil {
		if errors.Is(err, ErrNotStreamable) || errors.Is(err, errOutside) {
			return nil, ErrNotStreamable
		}
		s.sqErr = err
	}
	return s, nil
}

// expect adds the check that the stream holds want at off.
func (s *Stream) expect(off int64, want []byte) {
	s.ranges = append(s.ranges, streamRange{off, off + int64(len(want)), func(p []byte, at int64) {
		if s.mismatch == "" && !bytes.Equal(p, want[at-off:at-off+int64(len(p))]) {
			s.mismatch = fmt.Sprintf("the bytes at offset %d differ from those read before the stream", at)
		}
	}})
}

// plan reads the squashfs superblock and tables of the first sqSize bytes
// and lays out a blockSpan for every data block and fragment of every
// regular file of the root directory.
func (s *Stream) plan(r io.ReaderAt, sqSize int64) error {
	head := make([]byte, superblockSize)
	if sqSize < superblockSize {
		return errors.New("the payload is too short for a squashfs superblock")
	}
	if _, err := r.ReadAt(head, 0); err != nil {
		return err
	}
	if !bytes.Equal(head[:4], Magic) {
		return errors.New("the payload is not a squashfs image")
	}
	tStart := int64(binary.LittleEndian.Uint64(head[64:]))
	used := int64(binary.LittleEndian.Uint64(head[40:]))
	if tStart < superblockSize || used < tStart || used > sqSize {
		return fmt.Errorf("squashfs tables at %d..%d outside the payload of %d bytes", tStart, used, sqSize)
	}
	if used-tStart > maxTables {
		return ErrNotStreamable
	}
	tables := make([]byte, used-tStart)
	if _, err := r.ReadAt(tables, tStart); err != nil {
		return err
	}
	s.expect(0, head)
	s.expect(tStart, tables)
	ra := &regionsAt{head: head, tables: tables, tStart: tStart}
	sq, err := openSquashfs(ra)
	if err != nil {
		return err
	}
	sb := sq.Low.Superblock
	s.bs = int64(sb.BlockSize)
	if s.bs == 0 || s.bs > 1<<20 {
		return fmt.Errorf("block size %d", s.bs)
	}
	if s.dec, s.decDone, err = newDecoder(sb.CompType, sb.BlockSize); err != nil {
		if errors.Is(err, errSlowPath) {
			return ErrNotStreamable
		}
		return err
	}
	s.out = make([]byte, s.bs)
	s.files = map[string]*sqFile{}
	frags := map[int64]*blockSpan{}
	type user struct {
		f        *sqFile
		off, len int64
	}
	fragUsers := map[*blockSpan][]user{}
	for _, e := range sq.Low.Root.Entries {
		b, err := baseFromEntry(sq, e)
		if err != nil {
			return err
		}
		var start, fsize uint64
		var sizes []uint32
		var fragInd, fragOff uint32
		switch d := b.Inode.Data.(type) {
		case inode.File:
			start, fsize, sizes, fragInd, fragOff = uint64(d.BlockStart), uint64(d.Size), d.BlockSizes, d.FragInd, d.FragOffset
		case inode.EFile:
			start, fsize, sizes, fragInd, fragOff = d.BlockStart, d.Size, d.BlockSizes, d.FragInd, d.FragOffset
		default:
			continue
		}
		if len(s.files) == maxFiles {
			return ErrNotStreamable
		}
		f := &sqFile{size: int64(fsize), h: sha256.New()}
		if e.Name == "manifest.raucm" {
			f.capture = []byte{}
		}
		s.files[e.Name] = f
		if fsize > 1<<50 || start > 1<<50 {
			f.err = errors.New("file size or data offset out of range")
			continue
		}
		off, remain := int64(start), int64(fsize)
		for _, bsz := range sizes {
			want := min(s.bs, remain)
			remain -= want
			on := int64(bsz & 0xFFFFFF)
			if on > s.bs || off+on > tStart {
				f.err = errors.New("a data block lies outside the squashfs data")
				break
			}
			stored := bsz&(1<<24) != 0
			if bsz == 0 {
				on = 0
			}
			f.pending++
			s.spans = append(s.spans, &blockSpan{off: off, n: on, fn: func(b []byte) { s.block(f, b, want, bsz == 0, stored) }})
			off += on
		}
		if f.err != nil || remain == 0 {
			continue
		}
		if fragInd == 0xFFFFFFFF || remain >= s.bs {
			f.err = fmt.Errorf("%d bytes neither in blocks nor in a fragment", remain)
			continue
		}
		fstart, on, stored, err := locateFragment(ra, used, sb.FragTableStart, sb.FragCount, fragInd, s.dec)
		if err != nil {
			if errors.Is(err, errOutside) {
				return err
			}
			f.err = err
			continue
		}
		if on > s.bs || fstart+on > tStart {
			f.err = errors.New("the fragment block lies outside the squashfs data")
			continue
		}
		sp := frags[fstart]
		if sp == nil {
			sp = &blockSpan{off: fstart, n: on}
			frags[fstart] = sp
			s.spans = append(s.spans, sp)
			sp.fn = func(b []byte) {
				data := b
				if !stored {
					var err error
					if data, err = s.dec(s.out, b); err != nil {
						for _, u := range fragUsers[sp] {
							u.f.fail(fmt.Errorf("fragment: %v", err))
						}
						return
					}
				}
				for _, u := range fragUsers[sp] {
					u.f.pending--
					if u.off+u.len > int64(len(data)) {
						u.f.fail(errors.New("the tail lies outside its fragment"))
						continue
					}
					u.f.tail = append([]byte(nil), data[u.off:u.off+u.len]...)
				}
			}
		}
		f.pending++
		f.tailLen = remain
		fragUsers[sp] = append(fragUsers[sp], user{f, int64(fragOff), remain})
	}
	sort.SliceStable(s.spans, func(i, j int) bool { return s.spans[i].off < s.spans[j].off })
	return nil
}

// block adds one data block of f, as stored (raw) or compressed.
func (s *Stream) block(f *sqFile, b []byte, want int64, sparse, stored bool) {
	f.pending--
	if f.err != nil {
		return
	}
	data := b
	switch {
	case sparse:
		clear(s.out[:want])
		data = s.out[:want]
	case !stored:
		var err error
		if data, err = s.dec(s.out, b); err != nil {
			f.fail(err)
			return
		}
	}
	if int64(len(data)) != want {
		f.fail(fmt.Errorf("a data block holds %d bytes, want %d", len(data), want))
		return
	}
	f.write(data)
}

func (f *sqFile) write(p []byte) {
	f.h.Write(p)
	f.hashed += int64(len(p))
	if f.capture != nil && len(f.capture) <= maxManifest {
		f.capture = append(f.capture, p[:min(len(p), maxManifest+1-len(f.capture))]...)
	}
}

func (f *sqFile) fail(err error) {
	if f.err == nil {
		f.err = err
	}
}

// sum is the file's SHA-256 once every block and its tail went by.
func (f *sqFile) sum() (string, error) {
	if f.err != nil {
		return "", f.err
	}
	if f.pending > 0 {
		return "", errors.New("the stream ended before the file's data")
	}
	f.write(f.tail)
	if f.hashed != f.size {
		return "", fmt.Errorf("%d bytes of data for a file of %d", f.hashed, f.size)
	}
	return hex.EncodeToString(f.h.Sum(nil)), nil
}

// Write consumes the next bytes of the bundle. It never fails: what is
// wrong with the bytes is found by Finish.
//
// The ranges (the signed payload digest, or the dm-verity data and tree,
// and the comparison with the bytes read ahead) and the spans (the files
// of the squashfs) hash the same bytes for different ends and share no
// state: when a write of at least sideBySide bytes feeds both, the ranges
// run in a goroutine of their own beside the spans, and Write returns once
// both are done with p (1 GiB plain bundle, two SHA-256 passes: about the
// time of one instead of their sum).
func (s *Stream) Write(p []byte) (int, error) {
	start := s.pos
	end := start + int64(len(p))
	ranges := func() {
		for _, r := range s.ranges {
			if lo, hi := max(r.start, start), min(r.end, end); lo < hi {
				r.fn(p[lo-start:hi-start], lo)
			}
		}
	}
	var rangesDone chan struct{}
	if len(p) >= sideBySide && (len(s.active) > 0 || s.next < len(s.spans) && s.spans[s.next].off < end) {
		rangesDone = make(chan struct{})
		go func() {
			defer close(rangesDone)
			ranges()
		}()
	} else {
		ranges()
	}
	// Spans begun in an earlier write, in the order they began.
	kept := s.active[:0]
	for _, sp := range s.active {
		if s.fill(sp, p, start) {
			kept = append(kept, sp)
		}
	}
	s.active = kept
	for s.next < len(s.spans) {
		sp := s.spans[s.next]
		if sp.off > end || (sp.off == end && sp.n > 0) {
			break
		}
		s.next++
		switch {
		case sp.off+sp.n <= end && sp.off >= start:
			sp.fn(p[sp.off-start : sp.off+sp.n-start])
		case sp.off < start:
			// Began before this write (the stream skipped it): never seen.
		default:
			sp.buf = s.buffer()
			if s.fill(sp, p, start) {
				s.active = append(s.active, sp)
			}
		}
	}
	if rangesDone != nil {
		<-rangesDone
	}
	s.pos = end
	return len(p), nil
}

// fill copies what p (at offset start) holds of sp; it reports whether sp
// still waits for bytes, and hands it over once complete.
func (s *Stream) fill(sp *blockSpan, p []byte, start int64) bool {
	lo := sp.off + sp.got
	hi := min(sp.off+sp.n, start+int64(len(p)))
	if lo < hi {
		copy(sp.buf[sp.got:], p[lo-start:hi-start])
		sp.got += hi - lo
	}
	if sp.got < sp.n {
		return true
	}
	sp.fn(sp.buf[:sp.n])
	s.pool = append(s.pool, sp.buf)
	sp.buf = nil
	return false
}

func (s *Stream) buffer() []byte {
	if n := len(s.pool); n > 0 {
		b := s.pool[n-1]
		s.pool = s.pool[:n-1]
		return b
	}
	return make([]byte, s.bs)
}

// Finish judges the bundle from what went by; the Stream is done after it.
func (s *Stream) Finish() (*artefact.Report, error) {
	if s.decDone != nil {
		defer s.decDone()
	}
	rep := s.rep
	if s.payload != nil {
		verifySignature(rep, s.sd, s.payload.Sum(nil), s.o)
	}
	changed := s.mismatch
	if s.pos != s.size {
		changed = fmt.Sprintf("the stream holds %d bytes, the bundle had %d when its ends were read", s.pos, s.size)
	}
	if changed != "" {
		// What was verified is not what went by: neither the signature
		// nor the images count (the signature and image checks both fail).
		rep.Signature.Valid, rep.Signature.Trusted = false, false
		rep.Add("signature-stream-mismatch", "the bundle changed while it was read (%s): the signature read first does not vouch for the bytes streamed", changed)
		rep.Add("payload-stream-mismatch", "the bundle changed while it was read: its images were hashed from bytes the signature read first does not cover")
	}
	if s.early {
		if s.man != nil {
			fillFromManifest(rep, s.man)
		}
		rep.Finish()
		return rep, nil
	}
	if s.verity != nil {
		if err := s.verity.finish(); err != nil {
			rep.Add("verity", "%v", err)
			// Report the images as unverified: the payload is not trusted.
			fillFromManifest(rep, s.man)
			rep.Finish()
			return rep, nil
		}
		rep.Detail("verity", "payload verified against the signed root hash")
	}
	if s.sqErr != nil {
		rep.Add("payload", "the squashfs payload does not open: %v", s.sqErr)
		if s.man != nil {
			fillFromManifest(rep, s.man)
		}
		rep.Finish()
		return rep, nil
	}
	return finishImages(rep, s.man, streamImages{s})
}

// streamImages answers finishImages from the files of a Stream's payload
// root, hashed as they went by.
type streamImages struct{ s *Stream }

func (si streamImages) manifest() ([]byte, error) {
	f := si.s.files["manifest.raucm"]
	switch {
	case f == nil:
		return nil, errors.New("file does not exist")
	case f.size > maxManifest:
		return nil, errors.New("too large")
	}
	if _, err := f.sum(); err != nil {
		return nil, err
	}
	return f.capture, nil
}

func (si streamImages) image(name string) (string, int64, error) {
	f := si.s.files[name]
	if f == nil {
		return "", 0, errors.New("not a file of the payload's root directory")
	}
	sum, err := f.sum()
	return sum, f.size, err
}

// regionsAt serves the squashfs superblock and tables read ahead, and
// nothing else (errOutside).
type regionsAt struct {
	head, tables []byte
	tStart       int64
}

func (r *regionsAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= 0 && off+int64(len(p)) <= int64(len(r.head)) {
		return copy(p, r.head[off:]), nil
	}
	if off >= r.tStart && off-r.tStart+int64(len(p)) <= int64(len(r.tables)) {
		return copy(p, r.tables[off-r.tStart:]), nil
	}
	return 0, errOutside
}
