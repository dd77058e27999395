package bundle

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/manifest"
)

// Problem is one thing wrong with a bundle, naming the file.
type Problem struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

func (p Problem) String() string { return p.Path + ": " + p.Reason }

// ErrNotABundle means the directory cannot be judged at all (absent, not a directory).
var ErrNotABundle = errors.New("not a bundle directory")

// Bundle is an opened bundle. Items whose bytes did not verify are listed in
// Problems and refused by Read, so checks never judge unverified content.
type Bundle struct {
	Dir      string
	Index    *Index
	Signer   *keys.PublicKey   // the key that signed bundle.json, once authenticated
	Cert     *keys.Certificate // the signer's certificate, when present and valid
	Problems []Problem
	bad      map[string]bool
}

// VerifyOptions say what the bundle is judged against.
type VerifyOptions struct {
	// Root is the manufacturer's root public key (--trust). The root key is
	// never taken from the bundle itself.
	Root *keys.PublicKey
	// At is the reference time for certificate validity.
	At time.Time
}

// OK reports whether the bundle verified without any problem.
func (b *Bundle) OK() bool { return len(b.Problems) == 0 }

func (b *Bundle) problem(path, format string, a ...any) {
	b.Problems = append(b.Problems, Problem{Path: path, Reason: fmt.Sprintf(format, a...)})
	if b.bad == nil {
		b.bad = map[string]bool{}
	}
	b.bad[path] = true
}

// Open verifies the bundle at dir and returns it with every problem found.
// It returns an error only when dir cannot be judged at all.
func Open(dir string, o VerifyOptions) (*Bundle, error) {
	st, err := os.Lstat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: %w", dir, ErrNotABundle)
	}
	b := &Bundle{Dir: dir}
	files, err := walk(b, dir)
	if err != nil {
		return nil, err
	}
	idxBytes, err1 := b.readRaw(IndexFile, MaxIndex)
	sig, err2 := b.readRaw(IndexSigFile, 4096)
	if err1 != nil || err2 != nil {
		if err1 != nil {
			b.problem(IndexFile, "%v", err1)
		}
		if err2 != nil {
			b.problem(IndexSigFile, "%v", err2)
		}
		return b, nil
	}
	b.authenticateSigner(o)
	if b.Signer != nil {
		if err := b.Signer.Verify(idxBytes, sig); err != nil {
			b.problem(IndexSigFile, "signature over %s does not verify with %s", IndexFile, SignerKey)
		}
	}
	x, err := ParseIndex(idxBytes)
	if err != nil {
		b.problem(IndexFile, "%v", err)
		return b, nil
	}
	b.Index = x
	listed := map[string]bool{IndexFile: true, IndexSigFile: true}
	for _, it := range x.Items {
		listed[it.Path] = true
		b.verifyItem(it)
	}
	for _, f := range files {
		if !listed[f] {
			b.problem(f, "file is not listed in %s", IndexFile)
		}
	}
	b.verifyManifest(o)
	sort.SliceStable(b.Problems, func(i, j int) bool { return b.Problems[i].Path < b.Problems[j].Path })
	return b, nil
}

// walk lists every regular file below dir as slash paths; anything else
// (symlinks, devices) is a problem.
func walk(b *Bundle, dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			b.problem(rel, "is a symbolic link")
		case d.IsDir():
		case !d.Type().IsRegular():
			b.problem(rel, "is not a regular file")
		default:
			files = append(files, rel)
		}
		return nil
	})
	return files, err
}

func (b *Bundle) readRaw(rel string, limit int64) ([]byte, error) {
	p := filepath.Join(b.Dir, filepath.FromSlash(rel))
	st, err := os.Lstat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errors.New("missing")
		}
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if st.Size() > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return os.ReadFile(p)
}

// authenticateSigner establishes the key that signed bundle.json: the root
// key itself, or a vendor key certified by it.
func (b *Bundle) authenticateSigner(o VerifyOptions) {
	pemBytes, err := b.readRaw(SignerKey, 64<<10)
	if err != nil {
		b.problem(SignerKey, "%v", err)
		return
	}
	signer, err := keys.ParsePublicPEM(pemBytes)
	if err != nil {
		b.problem(SignerKey, "%v", err)
		return
	}
	if o.Root == nil {
		b.problem(SignerKey, "no trusted root key given: the signer cannot be authenticated")
		return
	}
	if signer.Equal(o.Root) {
		b.Signer = signer
		return
	}
	cert, err1 := b.readRaw(VendorCert, 1<<20)
	csig, err2 := b.readRaw(VendorCertSig, 4096)
	if err1 != nil || err2 != nil {
		b.problem(VendorCert, "signer key is not the root key and no certificate by the root key is present")
		return
	}
	c, vendor, err := keys.VerifyCertificate(cert, csig, o.Root, keys.CertVerifyOptions{At: o.At})
	if err != nil {
		b.problem(VendorCert, "%v", err)
		return
	}
	if !vendor.Equal(signer) {
		b.problem(SignerKey, "is not the key certified in %s", VendorCert)
		return
	}
	b.Signer, b.Cert = signer, c
}

func (b *Bundle) verifyItem(it Item) {
	p := filepath.Join(b.Dir, filepath.FromSlash(it.Path))
	st, err := os.Lstat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		b.problem(it.Path, "listed in %s but missing", IndexFile)
		return
	case err != nil:
		b.problem(it.Path, "%v", err)
		return
	case !st.Mode().IsRegular():
		return // already reported by walk
	}
	f, err := os.Open(p)
	if err != nil {
		b.problem(it.Path, "%v", err)
		return
	}
	defer f.Close()
	// Read at most one byte more than promised: an appended tail is caught
	// without reading an arbitrarily grown file.
	d, err := HashCopy(nil, io.LimitReader(f, it.Size+1))
	switch {
	case err != nil:
		b.problem(it.Path, "%v", err)
	case d.Size != it.Size:
		b.problem(it.Path, "size differs from %s (changed)", IndexFile)
	case d.SHA256 != it.SHA256:
		b.problem(it.Path, "SHA-256 differs from %s (changed)", IndexFile)
	case d.SHA512 != it.SHA512:
		b.problem(it.Path, "SHA-512 differs from %s (changed)", IndexFile)
	}
}

// verifyManifest checks the manifest's signature chain to the root key; its
// fields (freshness, applicability) are judged by checks, not here.
func (b *Bundle) verifyManifest(o VerifyOptions) {
	if _, ok := b.Index.Item(ManifestFile); !ok || o.Root == nil {
		return // without a root key only the missing trust is reported (by authenticateSigner)
	}
	m, err1 := b.Read(ManifestFile)
	s, err2 := b.Read(ManifestSig)
	c, err3 := b.Read(VendorCert)
	cs, err4 := b.Read(VendorCertSig)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		b.problem(ManifestFile, "cannot check its signature chain: %v", oneLine(err))
		return
	}
	_, _, err := manifest.Verify(manifest.Chain{Manifest: m, ManifestSig: s, Cert: c, CertSig: cs},
		manifest.VerifyOptions{Root: o.Root, At: o.At, SkipApplicabilityUnsafe: true})
	var me *manifest.Error
	if errors.As(err, &me) && (me.Step == manifest.StepChain || me.Step == manifest.StepSignature) {
		b.problem(ManifestFile, "%v", err)
	}
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

// Read returns the bytes of a verified item; an item with a problem, or one
// not in the index, is refused.
func (b *Bundle) Read(p string) ([]byte, error) {
	if b.Index == nil {
		return nil, fmt.Errorf("%s: bundle index unusable", p)
	}
	it, ok := b.Index.Item(p)
	if !ok {
		return nil, fmt.Errorf("%s: not in the bundle", p)
	}
	if b.bad[p] {
		return nil, fmt.Errorf("%s: failed verification", p)
	}
	data, err := os.ReadFile(filepath.Join(b.Dir, filepath.FromSlash(p)))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) != it.Size {
		return nil, fmt.Errorf("%s: changed since verification", p)
	}
	return data, nil
}

// Has reports whether a verified item exists at p.
func (b *Bundle) Has(p string) bool {
	if b.Index == nil || b.bad[p] {
		return false
	}
	_, ok := b.Index.Item(p)
	return ok
}

// Path returns the on-disk path of item p.
func (b *Bundle) Path(p string) string { return filepath.Join(b.Dir, filepath.FromSlash(p)) }

// Bad reports whether item p failed verification.
func (b *Bundle) Bad(p string) bool { return b.bad[p] }
