package bundle

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/bundle/copyfile"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/product"
)

// Writer builds a bundle in a staging directory; nothing appears at the
// destination until Finish succeeds.
type Writer struct {
	stage *atomicfs.Dir
	items map[string]Item
}

// Create starts a bundle at dest. Without force an existing dest is refused.
func Create(dest string, force bool) (*Writer, error) {
	d, err := atomicfs.NewDir(dest, force)
	if err != nil {
		return nil, err
	}
	return &Writer{stage: d, items: map[string]Item{}}, nil
}

// StagePath is where the bundle is being built, for producers that must write
// files themselves before adding them with AddStaged.
func (w *Writer) StagePath() string { return w.stage.Path }

func (w *Writer) target(p string) (string, error) {
	if !product.LocalPath(p) || p == IndexFile || p == IndexSigFile {
		return "", fmt.Errorf("bundle path %q is not allowed", p)
	}
	if _, dup := w.items[p]; dup {
		return "", fmt.Errorf("bundle path %q added twice", p)
	}
	full := filepath.Join(w.stage.Path, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return "", err
	}
	return full, nil
}

// AddBytes writes data as item p.
func (w *Writer) AddBytes(p, role, mediaType string, data []byte) (Item, error) {
	full, err := w.target(p)
	if err != nil {
		return Item{}, err
	}
	f, err := os.OpenFile(full, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return Item{}, err
	}
	d, err := HashCopy(f, bytes.NewReader(data))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Item{}, err
	}
	return w.record(p, role, mediaType, d), nil
}

// AddFile copies the regular file src as item p, hashing it in the same read.
func (w *Writer) AddFile(p, role, mediaType, src string) (Item, error) {
	return w.AddFileContext(context.Background(), p, role, mediaType, src)
}

// AddFileContext is AddFile that stops early when ctx is cancelled (an
// interrupt during the copy of a large artefact).
func (w *Writer) AddFileContext(ctx context.Context, p, role, mediaType, src string) (Item, error) {
	return w.AddFileWith(ctx, p, role, mediaType, src, CopyOptions{})
}

// CopyOptions tune AddFileWith. The zero value is AddFileContext.
type CopyOptions struct {
	// Tee, when non-nil, is handed every chunk of the one read (see
	// HashCopyTee): an updater artefact's verifier reads the artefact in
	// the same pass as the copy and both hashes.
	Tee io.Writer
	// ReadAgain says that the copy will be read after it is written (a
	// RAUC bundle's verifier, syft's cataloguers): it is then written
	// through the page cache, where that read finds it, and not with
	// O_DIRECT (see copyfile.Create).
	ReadAgain bool
}

// AddFileWith is AddFileContext with CopyOptions.
func (w *Writer) AddFileWith(ctx context.Context, p, role, mediaType, src string, co CopyOptions) (Item, error) {
	f, err := openRegular(src)
	if err != nil {
		return Item{}, err
	}
	defer f.Close()
	in := ctxReader{ctx, f}
	full, err := w.target(p)
	if err != nil {
		return Item{}, err
	}
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	out, err := copyfile.Create(full, size, co.ReadAgain)
	if err != nil {
		return Item{}, err
	}
	d, err := hashCopy(out, in, sizeHint(f), []io.Writer{co.Tee})
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Item{}, fmt.Errorf("%s: %w", src, err)
	}
	return w.record(p, role, mediaType, d), nil
}

// AddStaged records a file a producer already wrote at p inside StagePath.
func (w *Writer) AddStaged(p, role, mediaType string) (Item, error) {
	if !product.LocalPath(p) {
		return Item{}, fmt.Errorf("bundle path %q is not allowed", p)
	}
	f, err := openRegular(filepath.Join(w.stage.Path, filepath.FromSlash(p)))
	if err != nil {
		return Item{}, err
	}
	defer f.Close()
	d, err := HashCopy(nil, f)
	if err != nil {
		return Item{}, err
	}
	return w.record(p, role, mediaType, d), nil
}

func (w *Writer) record(p, role, mediaType string, d Digests) Item {
	it := Item{Path: path.Clean(p), Role: role, MediaType: mediaType, Size: d.Size, SHA256: d.SHA256, SHA512: d.SHA512}
	w.items[it.Path] = it
	return it
}

// Item returns an item already added.
func (w *Writer) Item(p string) (Item, bool) {
	it, ok := w.items[p]
	return it, ok
}

// Finish writes bundle.json and its signature, then moves the bundle into place.
func (w *Writer) Finish(x Index, signer *keys.PrivateKey) (*Index, error) {
	x.Items = x.Items[:0]
	for _, it := range w.items {
		x.Items = append(x.Items, it)
	}
	if x.Created.IsZero() {
		x.Created = time.Now()
	}
	b, err := x.Marshal()
	if err != nil {
		w.Abort()
		return nil, err
	}
	sig, err := signer.Sign(b)
	if err != nil {
		w.Abort()
		return nil, err
	}
	for name, data := range map[string][]byte{IndexFile: b, IndexSigFile: sig} {
		if err := os.WriteFile(filepath.Join(w.stage.Path, name), data, 0o644); err != nil {
			w.Abort()
			return nil, err
		}
	}
	if err := w.stage.Commit(); err != nil {
		return nil, err
	}
	return ParseIndex(b)
}

// Abort discards the staging directory.
func (w *Writer) Abort() { w.stage.Abort() }

func openRegular(p string) (*os.File, error) {
	st, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", p)
	}
	return os.Open(p)
}

// ctxReader fails reads once its context is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
