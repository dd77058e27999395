package rauc

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
	"github.com/sylabs/squashfs"
	"github.com/sylabs/squashfs/low/inode"
	"github.com/ulikunitz/xz"
)

// errSlowPath means the fast reader does not handle this file (another
// compression, not a regular file in the root): use the generic reader.
var errSlowPath = errors.New("not handled by the direct squashfs reader")

// squashfs compression IDs read directly.
const (
	compZlib = 1
	compXz   = 4
	compZstd = 6
)

// hashDirect hashes a regular file of the squashfs root by reading its data
// blocks and fragment with ReadAt and one reused buffer. The generic reader
// of github.com/sylabs/squashfs decodes every data byte through reflection
// (encoding/binary into a []byte), about 10 ns a byte; this path costs the
// hash and the decompression only.
func hashDirect(r io.ReaderAt, size int64, sq *squashfs.Reader, name string) (sum string, n int64, err error) {
	defer func() {
		if p := recover(); p != nil {
			sum, n, err = "", 0, fmt.Errorf("squashfs reader failed: %v", p)
		}
	}()
	sb := sq.Low.Superblock
	dec, closeDec, err := newDecoder(sb.CompType, sb.BlockSize)
	if err != nil {
		return "", 0, err
	}
	defer closeDec()
	var fb *inode.Inode
	for _, e := range sq.Low.Root.Entries {
		if e.Name == name {
			b, err := sq.Low.BaseFromEntry(e)
			if err != nil {
				return "", 0, err
			}
			fb = &b.Inode
			break
		}
	}
	if fb == nil {
		return "", 0, errSlowPath
	}
	var start, fsize uint64
	var sizes []uint32
	var fragInd, fragOff uint32
	switch d := fb.Data.(type) {
	case inode.File:
		start, fsize, sizes, fragInd, fragOff = uint64(d.BlockStart), uint64(d.Size), d.BlockSizes, d.FragInd, d.FragOffset
	case inode.EFile:
		start, fsize, sizes, fragInd, fragOff = d.BlockStart, d.Size, d.BlockSizes, d.FragInd, d.FragOffset
	default:
		return "", 0, errSlowPath
	}
	bs := uint64(sb.BlockSize)
	if bs == 0 || bs > 1<<20 {
		return "", 0, fmt.Errorf("block size %d", bs)
	}
	h := sha256.New()
	raw := make([]byte, bs)
	out := make([]byte, bs)
	off := int64(start)
	remain := fsize
	for _, s := range sizes {
		want := min(bs, remain)
		on := int64(s & 0xFFFFFF)
		var data []byte
		switch {
		case s == 0: // sparse block
			clear(out[:want])
			data = out[:want]
		case on > int64(bs) || off+on > size:
			return "", 0, fmt.Errorf("%s: data block outside the image", name)
		default:
			if _, err := r.ReadAt(raw[:on], off); err != nil {
				return "", 0, err
			}
			off += on
			if s&(1<<24) != 0 {
				data = raw[:on]
			} else if data, err = dec(out, raw[:on]); err != nil {
				return "", 0, fmt.Errorf("%s: %v", name, err)
			}
		}
		if uint64(len(data)) != want {
			return "", 0, fmt.Errorf("%s: a data block holds %d bytes, want %d", name, len(data), want)
		}
		h.Write(data)
		remain -= want
	}
	if remain > 0 {
		if fragInd == 0xFFFFFFFF || remain >= bs {
			return "", 0, fmt.Errorf("%s: %d bytes neither in blocks nor in a fragment", name, remain)
		}
		frag, err := fragment(r, size, sb.FragTableStart, sb.FragCount, fragInd, dec, raw, out)
		if err != nil {
			return "", 0, fmt.Errorf("%s: %v", name, err)
		}
		if uint64(fragOff)+remain > uint64(len(frag)) {
			return "", 0, fmt.Errorf("%s: the tail lies outside its fragment", name)
		}
		h.Write(frag[fragOff : uint64(fragOff)+remain])
	}
	return hex.EncodeToString(h.Sum(nil)), int64(fsize), nil
}

// newDecoder returns the block decompressor of a squashfs compression ID
// (errSlowPath for one not read directly) and what releases it.
func newDecoder(comp uint16, blockSize uint32) (dec func(dst, src []byte) ([]byte, error), done func(), err error) {
	switch comp {
	case compZlib:
		return func(dst, src []byte) ([]byte, error) {
			z, err := zlib.NewReader(bytes.NewReader(src))
			if err != nil {
				return nil, err
			}
			return readInto(dst, z, int(blockSize))
		}, func() {}, nil
	case compXz:
		return func(dst, src []byte) ([]byte, error) {
			z, err := xz.NewReader(bytes.NewReader(src))
			if err != nil {
				return nil, err
			}
			return readInto(dst, z, int(blockSize))
		}, func() {}, nil
	case compZstd:
		zd, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(blockSize)))
		if err != nil {
			return nil, nil, err
		}
		return func(dst, src []byte) ([]byte, error) { return zd.DecodeAll(src, dst[:0]) }, zd.Close, nil
	}
	return nil, nil, errSlowPath
}

// fragment returns the decompressed fragment block idx.
func fragment(r io.ReaderAt, size int64, table uint64, count, idx uint32, dec func(dst, src []byte) ([]byte, error), raw, out []byte) ([]byte, error) {
	fstart, on, stored, err := locateFragment(r, size, table, count, idx, dec)
	if err != nil {
		return nil, err
	}
	if on > int64(len(raw)) {
		return nil, errors.New("fragment block larger than the block size")
	}
	if _, err := r.ReadAt(raw[:on], fstart); err != nil {
		return nil, err
	}
	if stored {
		return raw[:on], nil
	}
	return dec(out, raw[:on])
}

// locateFragment reads the fragment table entry idx: where the fragment
// block starts, its size on disk and whether it is stored uncompressed.
func locateFragment(r io.ReaderAt, size int64, table uint64, count, idx uint32, dec func(dst, src []byte) ([]byte, error)) (fstart, on int64, stored bool, err error) {
	if idx >= count {
		return 0, 0, false, errors.New("fragment index out of range")
	}
	var ptr [8]byte
	if _, err := r.ReadAt(ptr[:], int64(table)+8*int64(idx/512)); err != nil {
		return 0, 0, false, err
	}
	mb := int64(binary.LittleEndian.Uint64(ptr[:]))
	var hdr [2]byte
	if mb < 0 || mb+2 > size {
		return 0, 0, false, errors.New("fragment table outside the image")
	}
	if _, err := r.ReadAt(hdr[:], mb); err != nil {
		return 0, 0, false, err
	}
	hs := binary.LittleEndian.Uint16(hdr[:])
	ms := int64(hs &^ 0x8000)
	meta := make([]byte, ms)
	if _, err := r.ReadAt(meta, mb+2); err != nil {
		return 0, 0, false, err
	}
	if hs&0x8000 == 0 {
		m, err := dec(make([]byte, 8192), meta)
		if err != nil {
			return 0, 0, false, err
		}
		meta = m
	}
	e := int(idx%512) * 16
	if e+16 > len(meta) {
		return 0, 0, false, errors.New("fragment entry outside its metadata block")
	}
	fstart = int64(binary.LittleEndian.Uint64(meta[e:]))
	fs := binary.LittleEndian.Uint32(meta[e+8:])
	on = int64(fs & 0xFFFFFF)
	if fstart < 0 || on > size || fstart+on > size {
		return 0, 0, false, errors.New("fragment block outside the image")
	}
	return fstart, on, fs&(1<<24) != 0, nil
}

// readInto reads z whole into dst (reused), refusing more than max bytes.
func readInto(dst []byte, z io.Reader, max int) ([]byte, error) {
	n := 0
	for {
		if n == len(dst) {
			if n >= max {
				var one [1]byte
				if m, _ := z.Read(one[:]); m > 0 {
					return nil, errors.New("a block decompresses beyond the block size")
				}
				return dst[:n], nil
			}
			dst = append(dst, make([]byte, max-n)...)
		}
		m, err := z.Read(dst[n:])
		n += m
		if err == io.EOF {
			return dst[:n], nil
		}
		if err != nil {
			return nil, err
		}
	}
}
