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
// hash tree of treeSize bytes that follows them and against root, as
// dm-verity (format 1, SHA-256, salt before the block, 4096-byte blocks,
// no superblock) would: it reads both once, in order, through a
// verityStream. Memory is one block per level and one read buffer.
func VerifyVerity(r io.ReaderAt, dataSize, treeSize int64, salt, root []byte) error {
	v, err := newVerity(salt, root, dataSize, treeSize)
	if err != nil {
		return err
	}
	buf := make([]byte, 1<<20)
	for off := int64(0); off < dataSize+treeSize; {
		n := min(int64(len(buf)), dataSize+treeSize-off)
		if _, err := r.ReadAt(buf[:n], off); err != nil {
			return &VerityError{fmt.Sprintf("reading at %d: %v", off, err)}
		}
		k := max(0, min(n, dataSize-off))
		v.data(buf[:k])
		v.tree(buf[k:n], off+k)
		off += n
	}
	return v.finish()
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

// verityParams reads the signed manifest's verity parameters and returns
// the stream that checks them against the payload (nil, and a problem in
// rep, when they do not fit the bundle).
func verityParams(rep *artefact.Report, l Layout, man *Manifest) *verityStream {
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
	v, err := newVerity(salt, root, l.PayloadSize-tree, tree)
	if err != nil {
		rep.Add("verity", "%v", err)
	}
	return v
}

// newVerity is the stream checking dataSize bytes and their tree.
func newVerity(salt, root []byte, dataSize, treeSize int64) (*verityStream, error) {
	if dataSize <= 0 || dataSize%VerityBlock != 0 {
		return nil, &VerityError{fmt.Sprintf("payload size %d is not a positive multiple of %d", dataSize, VerityBlock)}
	}
	if want := VerityTreeSize(dataSize); treeSize != want {
		return nil, &VerityError{fmt.Sprintf("hash tree is %d bytes, a payload of %d bytes needs %d", treeSize, dataSize, want)}
	}
	v := &verityStream{salt: salt, root: root, dataSize: dataSize, treeSize: treeSize, h: sha256.New()}
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
	return v, nil
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
