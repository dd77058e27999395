package rauc

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
)

// VerityBlock is the data and hash block size RAUC uses for dm-verity.
const VerityBlock = 4096

// VerityError says the payload does not match its hash tree or root hash.
type VerityError struct{ Reason string }

func (e *VerityError) Error() string { return "dm-verity: " + e.Reason }

// verityLevels returns, for dataBlocks data blocks, the number of hash
// blocks of each level, level 0 (hashes of data blocks) first. dm-verity
// stores the levels top-most first.
func verityLevels(dataBlocks int64) []int64 {
	per := int64(VerityBlock / sha256.Size)
	var lv []int64
	n := dataBlocks
	for {
		n = (n + per - 1) / per
		lv = append(lv, n)
		if n <= 1 {
			return lv
		}
	}
}

// VerityTreeSize is the size of the hash tree of dataSize bytes.
func VerityTreeSize(dataSize int64) int64 {
	var t int64
	for _, n := range verityLevels(dataSize / VerityBlock) {
		t += n
	}
	return t * VerityBlock
}

// VerifyVerity checks dataSize bytes of data at the start of r against the
// hash tree that follows them and against root, as dm-verity (format 1,
// SHA-256, salt before the block, 4096-byte blocks, no superblock) does:
// every data block against its level-0 hash, every hash block against its
// parent, the top block against root. Memory is one block per level.
func VerifyVerity(r io.ReaderAt, dataSize, treeSize int64, salt, root []byte) error {
	if dataSize <= 0 || dataSize%VerityBlock != 0 {
		return &VerityError{fmt.Sprintf("payload size %d is not a positive multiple of %d", dataSize, VerityBlock)}
	}
	levels := verityLevels(dataSize / VerityBlock)
	if want := VerityTreeSize(dataSize); treeSize != want {
		return &VerityError{fmt.Sprintf("hash tree is %d bytes, a payload of %d bytes needs %d", treeSize, dataSize, want)}
	}
	// Offset of each level in the tree, top-most level stored first.
	off := make([]int64, len(levels))
	pos := dataSize
	for i := len(levels) - 1; i >= 0; i-- {
		off[i] = pos
		pos += levels[i] * VerityBlock
	}
	h := sha256.New()
	var sum [sha256.Size]byte
	hashBlock := func(b []byte) []byte { // the result is valid until the next call
		h.Reset()
		h.Write(salt)
		h.Write(b)
		return h.Sum(sum[:0])
	}
	top := make([]byte, VerityBlock)
	if _, err := r.ReadAt(top, off[len(levels)-1]); err != nil {
		return &VerityError{fmt.Sprintf("reading the top hash block: %v", err)}
	}
	if !bytes.Equal(hashBlock(top), root) {
		return &VerityError{"the top hash block does not match the signed root hash"}
	}
	// cache[i] holds the current hash block of level i and its index.
	cache := make([][]byte, len(levels))
	idx := make([]int64, len(levels))
	cache[len(levels)-1], idx[len(levels)-1] = top, 0
	for i := range idx[:len(levels)-1] {
		idx[i] = -1
	}
	per := int64(VerityBlock / sha256.Size)
	// hashAt returns the stored hash of block b of level lv-1 (data when lv==0),
	// loading and checking level lv's block against its parent when needed.
	var load func(lv int, blk int64) ([]byte, error)
	load = func(lv int, blk int64) ([]byte, error) {
		if idx[lv] == blk {
			return cache[lv], nil
		}
		parent, err := load(lv+1, blk/per)
		if err != nil {
			return nil, err
		}
		b := cache[lv]
		if b == nil {
			b = make([]byte, VerityBlock)
		}
		if _, err := r.ReadAt(b, off[lv]+blk*VerityBlock); err != nil {
			return nil, &VerityError{fmt.Sprintf("reading hash block %d of level %d: %v", blk, lv, err)}
		}
		slot := (blk % per) * sha256.Size
		if !bytes.Equal(hashBlock(b), parent[slot:slot+sha256.Size]) {
			return nil, &VerityError{fmt.Sprintf("hash block %d of level %d does not match its parent", blk, lv)}
		}
		cache[lv], idx[lv] = b, blk
		return b, nil
	}
	data := make([]byte, VerityBlock*64)
	nBlocks := dataSize / VerityBlock
	for b := int64(0); b < nBlocks; {
		chunk := min(int64(64), nBlocks-b)
		buf := data[:chunk*VerityBlock]
		if _, err := r.ReadAt(buf, b*VerityBlock); err != nil {
			return &VerityError{fmt.Sprintf("reading data at %d: %v", b*VerityBlock, err)}
		}
		for i := int64(0); i < chunk; i++ {
			blk := b + i
			h0, err := load(0, blk/per)
			if err != nil {
				return err
			}
			slot := (blk % per) * sha256.Size
			if !bytes.Equal(hashBlock(buf[i*VerityBlock:(i+1)*VerityBlock]), h0[slot:slot+sha256.Size]) {
				return &VerityError{fmt.Sprintf("data block %d (offset %d) does not match the hash tree", blk, blk*VerityBlock)}
			}
		}
		b += chunk
	}
	// Unused hash slots must be zero, as dm-verity's tree builder writes them.
	for lv := range levels {
		var children int64
		if lv == 0 {
			children = nBlocks
		} else {
			children = levels[lv-1]
		}
		last := levels[lv] - 1
		b, err := load(lv, last)
		if err != nil {
			return err
		}
		used := (children - last*per) * sha256.Size
		if !isZero(b[used:]) {
			return &VerityError{fmt.Sprintf("padding of hash block %d of level %d is not zero", last, lv)}
		}
	}
	return nil
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
