package bundle

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/bundle/sha512sys"
)

// Errors of item access; each is wrapped with the item's path.
var (
	// ErrIndexUnusable: bundle.json is missing or did not parse, so no item can be served.
	ErrIndexUnusable = errors.New("bundle index unusable")
	// ErrNotInBundle: the path is not listed in bundle.json.
	ErrNotInBundle = errors.New("not in the bundle")
	// ErrFailedVerification: Open found a problem with the item.
	ErrFailedVerification = errors.New("failed verification")
	// ErrChanged: the item's bytes on disk no longer match the signed index
	// (see ChangedError).
	ErrChanged = errors.New("changed since verification")
)

// ChangedError is returned when an item that verified at Open is read again
// from disk and its bytes no longer match bundle.json: edited, truncated,
// grown or removed after Open. errors.Is(err, ErrChanged) holds.
type ChangedError struct {
	Path string
	// What differs: "size", "SHA-256" or "SHA-512"; empty when the file
	// could not be read again (Err says why).
	What string
	Err  error
}

func (e *ChangedError) Error() string {
	switch {
	case e.Err != nil:
		return fmt.Sprintf("%s: %v: %v", e.Path, ErrChanged, e.Err)
	case e.What != "":
		return fmt.Sprintf("%s: %v (%s differs from %s)", e.Path, ErrChanged, e.What, IndexFile)
	}
	return fmt.Sprintf("%s: %v", e.Path, ErrChanged)
}

// Is makes errors.Is(err, ErrChanged) true.
func (e *ChangedError) Is(target error) bool { return target == ErrChanged }

func (e *ChangedError) Unwrap() error { return e.Err }

// Read returns the bytes of a verified item; an item with a problem, or one
// not in the index, is refused. Bytes kept by Open are returned (as a copy)
// without touching the disk: what was verified is the evidence, whatever
// happens to the file afterwards, even its removal. Other items are read
// again, hashed (size, SHA-256, SHA-512) and returned only when they still
// match the signed index; otherwise the error is a *ChangedError. Use
// CopyItem for items too large to hold in memory.
func (b *Bundle) Read(p string) ([]byte, error) {
	data, err := b.ReadShared(p)
	if err != nil {
		return nil, err
	}
	if _, kept := b.kept[p]; kept {
		return bytes.Clone(data), nil
	}
	return data, nil
}

// ReadShared is Read without the copy of bytes kept by Open: the slice
// returned is the bundle's own and must not be modified (every later Read
// returns those bytes). For decoders that only read their input: a
// 10,000-component SBOM is 10 MB not copied in each command.
func (b *Bundle) ReadShared(p string) ([]byte, error) {
	it, err := b.usable(p)
	if err != nil {
		return nil, err
	}
	if data, ok := b.kept[p]; ok {
		return data, nil
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(it.Size, 1<<20)+1))
	if _, err := b.copyFromDisk(buf, it); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// CopyItem writes the bytes of item p to w, streaming and hashing items not
// kept in memory. It copies any item whose bytes matched the index at Open,
// including one refused by Read for another reason (an expired certificate
// is still the bytes that were signed): it carries evidence, it does not
// judge it. When the bytes on disk no longer match the index the error, at
// the end of the copy, is a *ChangedError and everything written to w must be
// discarded.
func (b *Bundle) CopyItem(w io.Writer, p string) (int64, error) {
	it, err := b.listed(p)
	if err != nil {
		return 0, err
	}
	if !b.matched[p] {
		return 0, fmt.Errorf("%s: %w", p, ErrFailedVerification)
	}
	if data, ok := b.kept[p]; ok {
		n, err := w.Write(data)
		return int64(n), err
	}
	return b.copyFromDisk(w, it)
}

// Matched reports whether item p's bytes matched bundle.json when the bundle
// was opened (Bad may still be true for another reason).
func (b *Bundle) Matched(p string) bool { return b.matched[p] }

// RawIndex returns bundle.json and bundle.json.sig as Open read and judged
// them (nil when they could not be read).
func (b *Bundle) RawIndex() (index, sig []byte) {
	return bytes.Clone(b.indexBytes), bytes.Clone(b.indexSig)
}

// Has reports whether a verified item exists at p.
func (b *Bundle) Has(p string) bool {
	_, err := b.usable(p)
	return err == nil
}

// Path returns the on-disk path of item p.
func (b *Bundle) Path(p string) string { return filepath.Join(b.Dir, filepath.FromSlash(p)) }

// Bad reports whether item p failed verification.
func (b *Bundle) Bad(p string) bool { return b.bad[p] }

func (b *Bundle) listed(p string) (Item, error) {
	if b.Index == nil {
		return Item{}, fmt.Errorf("%s: %w", p, ErrIndexUnusable)
	}
	it, ok := b.Index.Item(p)
	if !ok {
		return Item{}, fmt.Errorf("%s: %w", p, ErrNotInBundle)
	}
	return it, nil
}

func (b *Bundle) usable(p string) (Item, error) {
	it, err := b.listed(p)
	if err != nil {
		return Item{}, err
	}
	if b.bad[p] || !b.matched[p] {
		return Item{}, fmt.Errorf("%s: %w", p, ErrFailedVerification)
	}
	return it, nil
}

// copyFromDisk streams item it to w and checks it against the index.
func (b *Bundle) copyFromDisk(w io.Writer, it Item) (int64, error) {
	p := b.Path(it.Path)
	st, err := os.Lstat(p)
	if err == nil && !st.Mode().IsRegular() {
		err = errors.New("no longer a regular file")
	}
	if err != nil {
		return 0, &ChangedError{Path: it.Path, Err: err}
	}
	cw := &countWriter{w: w}
	d, err := hashFile(p, it.Size, cw)
	if err != nil {
		if cw.err != nil {
			return cw.n, cw.err // the writer failed, not the item
		}
		return cw.n, &ChangedError{Path: it.Path, Err: err}
	}
	if what := differs(it, d); what != "" {
		return cw.n, &ChangedError{Path: it.Path, What: what}
	}
	return cw.n, nil
}

// hashFile hashes the file at p, copying it to dst when non-nil. It reads at
// most one byte more than size: a grown file is caught without reading an
// arbitrarily large one.
func hashFile(p string, size int64, dst io.Writer) (Digests, error) {
	f, err := os.Open(p)
	if err != nil {
		return Digests{}, err
	}
	defer f.Close()
	// One byte more than size: reading it finds a grown file in the same chunk.
	return hashCopy(dst, io.LimitReader(f, size+1), size+1, nil)
}

// readHashed reads the file at p, listed with size bytes, into one buffer
// (of hint+1 bytes, grown only if the file grew) and hashes it there. One
// byte more than size is read, so a grown file is seen (as a size that
// differs).
func readHashed(p string, size, hint int64) ([]byte, Digests, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, Digests{}, err
	}
	defer f.Close()
	buf, err := atomicfs.ReadAll(io.LimitReader(f, size+1), min(size, hint))
	if err != nil {
		return nil, Digests{}, err
	}
	return buf, hashBytes(buf), nil
}

// hashBytes is HashCopy(nil, data) without copying data into chunks: the
// two hashes read it where it is, at once when it is large.
func hashBytes(data []byte) Digests {
	h256, h512 := sha256.New(), sha512sys.New()
	if len(data) < serialBelow {
		h256.Write(data)
		h512.Write(data)
	} else {
		done := make(chan struct{})
		go func() { h256.Write(data); close(done) }()
		h512.Write(data)
		<-done
	}
	return Digests{Size: int64(len(data)), SHA256: sum(h256), SHA512: sum(h512)}
}

// differs names what of d does not match item it, or "" when it matches.
func differs(it Item, d Digests) string {
	switch {
	case d.Size != it.Size:
		return "size"
	case d.SHA256 != it.SHA256:
		return "SHA-256"
	case d.SHA512 != it.SHA512:
		return "SHA-512"
	}
	return ""
}

// keepPlan chooses the items whose bytes Open keeps: smallest first (paths
// break ties) while their sizes, as the index states them, fit in limit.
// Reading stops one byte past the stated size, so the plan bounds memory.
func keepPlan(items []Item, limit int64) map[string]bool {
	if limit == 0 {
		limit = DefaultKeepBytes
	}
	keep := map[string]bool{}
	if limit < 0 {
		return keep
	}
	order := slices.Clone(items)
	slices.SortFunc(order, func(a, b Item) int {
		if a.Size != b.Size {
			if a.Size < b.Size {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Path, b.Path)
	})
	var used int64
	for _, it := range order {
		if it.Size > limit-used {
			break
		}
		used += it.Size
		keep[it.Path] = true
	}
	return keep
}

// countWriter counts what reached w and remembers w's own error.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil {
		c.err = err
	}
	return n, err
}
