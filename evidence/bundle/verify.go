package bundle

import (
	"errors"
	"fmt"
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
//
// Open keeps the bytes it verified (up to VerifyOptions.KeepBytes) and Read
// serves them from memory; other items are read again and checked against
// the signed index on every read. A Bundle is not changed after Open, so its
// methods may be called from several goroutines.
type Bundle struct {
	Dir      string
	Index    *Index
	Signer   *keys.PublicKey   // the key that signed bundle.json, once authenticated
	Cert     *keys.Certificate // the signer's certificate, when present and valid
	Problems []Problem
	bad      map[string]bool

	indexBytes, indexSig []byte            // bundle.json and its signature as read and judged
	matched              map[string]bool   // items whose bytes matched the index at Open
	kept                 map[string][]byte // verified bytes kept in memory
	keptSize             int64
	pre                  map[string][]byte // signer files read before the items (Open only)
}

// VerifyOptions say what the bundle is judged against.
type VerifyOptions struct {
	// Root is the manufacturer's root public key (--trust). The root key is
	// never taken from the bundle itself.
	Root *keys.PublicKey
	// At is the reference time for certificate validity.
	At time.Time
	// KeepBytes caps the memory Open spends keeping verified item bytes for
	// Read (smallest items first). Zero means DefaultKeepBytes; a negative
	// value keeps nothing, so every Read goes back to disk and re-hashes.
	KeepBytes int64
}

// DefaultKeepBytes is how many bytes of verified items Open keeps by default.
const DefaultKeepBytes = 64 << 20

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
	b := &Bundle{Dir: dir, matched: map[string]bool{}, kept: map[string][]byte{}, pre: map[string][]byte{}}
	defer func() { b.pre = nil }()
	files, err := walk(b, dir)
	if err != nil {
		return nil, err
	}
	idxBytes, err1 := b.readRaw(IndexFile, MaxIndex)
	sig, err2 := b.readRaw(IndexSigFile, 4096)
	b.indexBytes, b.indexSig = idxBytes, sig // nil when unreadable
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
	keep := keepPlan(x.Items, o.KeepBytes)
	listed := map[string]bool{IndexFile: true, IndexSigFile: true}
	for _, it := range x.Items {
		listed[it.Path] = true
		b.verifyItem(it, keep[it.Path])
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
	data, err := os.ReadFile(p)
	if err == nil && b.pre != nil {
		b.pre[rel] = data // hashed against the index from memory: the bytes judged are the bytes hashed
	}
	return data, err
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

// verifyItem hashes item it and compares it with the index; with keep, the
// verified bytes stay in memory for Read.
func (b *Bundle) verifyItem(it Item, keep bool) {
	data, read := b.pre[it.Path]
	if !read {
		p := b.Path(it.Path)
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
		var d Digests
		if keep {
			// Read whole into its own buffer, then hashed there: no chunk
			// buffers and no second copy.
			data, d, err = readHashed(p, it.Size, st.Size())
		} else {
			d, err = hashFile(p, it.Size, nil)
		}
		if err != nil {
			b.problem(it.Path, "%v", err)
			return
		}
		if what := differs(it, d); what != "" {
			b.problem(it.Path, "%s differs from %s (changed)", what, IndexFile)
			return
		}
	} else {
		if what := differs(it, hashBytes(data)); what != "" {
			b.problem(it.Path, "%s differs from %s (changed)", what, IndexFile)
			return
		}
	}
	b.matched[it.Path] = true
	if keep && data != nil {
		b.kept[it.Path] = data
		b.keptSize += int64(len(data))
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
