package rauc

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"testing"
)

// buildVerity lays out data followed by its dm-verity tree (levels top-most
// first, salt before each block) and returns the image and the root hash.
func buildVerity(data, salt []byte) ([]byte, []byte) {
	hashAll := func(blocks []byte) []byte {
		var out []byte
		for i := 0; i < len(blocks); i += VerityBlock {
			h := sha256.New()
			h.Write(salt)
			h.Write(blocks[i : i+VerityBlock])
			out = h.Sum(out)
		}
		if r := len(out) % VerityBlock; r != 0 {
			out = append(out, make([]byte, VerityBlock-r)...)
		}
		return out
	}
	var levels [][]byte
	cur := data
	for {
		l := hashAll(cur)
		levels = append(levels, l)
		if len(l) == VerityBlock {
			break
		}
		cur = l
	}
	img := append([]byte(nil), data...)
	for i := len(levels) - 1; i >= 0; i-- {
		img = append(img, levels[i]...)
	}
	h := sha256.New()
	h.Write(salt)
	h.Write(levels[len(levels)-1])
	return img, h.Sum(nil)
}

func TestVerifyVerity(t *testing.T) {
	salt := []byte("0123456789abcdef0123456789abcdef")
	// 1, 128, 129 and 128*128+1 data blocks: one level, a full level-0
	// block, a second level, and a third level.
	for _, blocks := range []int{1, 128, 129, 128*128 + 1} {
		data := make([]byte, blocks*VerityBlock)
		for i := range data {
			data[i] = byte(i*7 + i/VerityBlock)
		}
		img, root := buildVerity(data, salt)
		tree := int64(len(img) - len(data))
		if tree != VerityTreeSize(int64(len(data))) {
			t.Fatalf("%d blocks: tree %d, VerityTreeSize %d", blocks, tree, VerityTreeSize(int64(len(data))))
		}
		if err := VerifyVerity(bytes.NewReader(img), int64(len(data)), tree, salt, root); err != nil {
			t.Fatalf("%d blocks: %v", blocks, err)
		}
		for _, off := range []int{0, len(data) - 1, len(data), len(img) - 1} {
			bad := append([]byte(nil), img...)
			bad[off] ^= 1
			var ve *VerityError
			if err := VerifyVerity(bytes.NewReader(bad), int64(len(data)), tree, salt, root); !errors.As(err, &ve) {
				t.Fatalf("%d blocks, byte %d flipped: %v", blocks, off, err)
			}
		}
	}
}

func BenchmarkVerifyVerity64MiB(b *testing.B) {
	data := make([]byte, 64<<20)
	for i := range data {
		data[i] = byte(i * 13)
	}
	salt := []byte("salt")
	img, root := buildVerity(data, salt)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := VerifyVerity(bytes.NewReader(img), int64(len(data)), int64(len(img)-len(data)), salt, root); err != nil {
			b.Fatal(err)
		}
	}
}
