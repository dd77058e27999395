package rauc

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strconv"

	"github.com/craudit/craudit/evidence/artefact"
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

// verityStream checks a verity bundle's payload and hash tree as they go
// by, in memory of one block per level: it builds the tree from the data
// (salted SHA-256 of each 4096-byte block, hash blocks filled and zero
// padded as dm-verity's builder does) and keeps, per level, the SHA-256 of
// the blocks it built and of the blocks the bundle stores. The bundle is
// verified when the built root matches the signed root and every stored
// level equals the built one; that is what VerifyVerity checks block by
// block.
type verityStream struct {
	salt, root         []byte
	dataSize, treeSize int64
	levels             []int64 // hash blocks per level, level 0 first
	levelOff           []int64 // offset of each level in the bundle
	cur                [][]byte
	fill               []int
	built              []int64
	builtSum, stored   []hash.Hash
	carry              []byte
	h                  hash.Hash
	sum                [sha256.Size]byte
	top                []byte
}

// newVerityStream checks the signed manifest's verity parameters against
// the layout (a problem in rep and nil when they do not fit).
func newVerityStream(rep *artefact.Report, l Layout, man *Manifest) *verityStream {
	rep.Detail("verity-hash", man.VerityHash)
	rep.Detail("verity-salt", man.VeritySalt)
	rep.Detail("verity-size", man.VeritySize)
	root, err1 := hex.DecodeString(man.VerityHash)
	salt, err2 := hex.DecodeString(man.VeritySalt)
	tree, err3 := strconv.ParseInt(man.VeritySize, 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || len(root) != sha256.Size || tree <= 0 || tree >= l.PayloadSize {
		rep.Add("verity-params", "the signed manifest's verity-hash, verity-salt or verity-size is missing or malformed")
		return nil
	}
	v := &verityStream{salt: salt, root: root, dataSize: l.PayloadSize - tree, treeSize: tree, h: sha256.New()}
	if v.dataSize%VerityBlock != 0 {
		rep.Add("verity", "%v", &VerityError{fmt.Sprintf("payload size %d is not a positive multiple of %d", v.dataSize, VerityBlock)})
		return nil
	}
	if want := VerityTreeSize(v.dataSize); tree != want {
		rep.Add("verity", "%v", &VerityError{fmt.Sprintf("hash tree is %d bytes, a payload of %d bytes needs %d", tree, v.dataSize, want)})
		return nil
	}
	v.levels = verityLevels(v.dataSize / VerityBlock)
	n := len(v.levels)
	v.levelOff = make([]int64, n)
	pos := v.dataSize
	for i := n - 1; i >= 0; i-- {
		v.levelOff[i] = pos
		pos += v.levels[i] * VerityBlock
	}
	v.cur, v.fill, v.built = make([][]byte, n), make([]int, n), make([]int64, n)
	v.builtSum, v.stored = make([]hash.Hash, n), make([]hash.Hash, n)
	for i := range n {
		v.cur[i] = make([]byte, VerityBlock)
		v.builtSum[i], v.stored[i] = sha256.New(), sha256.New()
	}
	return v
}

// hashBlock is the salted hash of b, valid until the next call.
func (v *verityStream) hashBlock(b []byte) []byte {
	v.h.Reset()
	v.h.Write(v.salt)
	v.h.Write(b)
	return v.h.Sum(v.sum[:0])
}

// push adds a block's hash to level lv, closing its block when full.
func (v *verityStream) push(lv int, sum []byte) {
	v.fill[lv] += copy(v.cur[lv][v.fill[lv]:], sum)
	if v.fill[lv] == VerityBlock {
		v.emit(lv)
	}
}

// emit closes the current block of level lv and hashes it into its parent.
func (v *verityStream) emit(lv int) {
	b := v.cur[lv]
	v.builtSum[lv].Write(b)
	v.built[lv]++
	if lv+1 < len(v.levels) {
		v.push(lv+1, v.hashBlock(b))
	} else if v.top == nil {
		v.top = bytes.Clone(v.hashBlock(b))
	} else {
		v.top = []byte{} // a second top block: never the root
	}
	clear(b)
	v.fill[lv] = 0
}

// data takes the next bytes of the data area.
func (v *verityStream) data(p []byte) {
	if len(v.carry) > 0 {
		k := min(VerityBlock-len(v.carry), len(p))
		v.carry = append(v.carry, p[:k]...)
		p = p[k:]
		if len(v.carry) < VerityBlock {
			return
		}
		v.push(0, v.hashBlock(v.carry))
		v.carry = v.carry[:0]
	}
	for len(p) >= VerityBlock {
		v.push(0, v.hashBlock(p[:VerityBlock]))
		p = p[VerityBlock:]
	}
	if len(p) > 0 {
		v.carry = append(v.carry[:0], p...)
	}
}

// tree takes the bytes of the stored hash tree at offset at of the bundle.
func (v *verityStream) tree(p []byte, at int64) {
	for len(p) > 0 {
		lv := 0
		for i := range v.levels {
			if at >= v.levelOff[i] && at < v.levelOff[i]+v.levels[i]*VerityBlock {
				lv = i
			}
		}
		k := min(int64(len(p)), v.levelOff[lv]+v.levels[lv]*VerityBlock-at)
		v.stored[lv].Write(p[:k])
		p, at = p[k:], at+k
	}
}

// finish closes the partial hash blocks and compares.
func (v *verityStream) finish() error {
	if len(v.carry) > 0 {
		return &VerityError{"the data area ends inside a block"}
	}
	for lv := range v.levels {
		if v.fill[lv] > 0 {
			v.emit(lv)
		}
	}
	for lv, n := range v.levels {
		if v.built[lv] != n {
			return &VerityError{fmt.Sprintf("level %d has %d hash blocks from the data, want %d", lv, v.built[lv], n)}
		}
	}
	if !bytes.Equal(v.top, v.root) {
		return &VerityError{"the payload's root hash does not match the signed root hash"}
	}
	for lv := range v.levels {
		if !bytes.Equal(v.builtSum[lv].Sum(nil), v.stored[lv].Sum(nil)) {
			return &VerityError{fmt.Sprintf("the stored hash tree's level %d does not match the payload", lv)}
		}
	}
	return nil
}
