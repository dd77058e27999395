package dossier

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/product"
)

// PaperworkDir is where a dossier encloses the CRA paperwork (advisories,
// notification drafts, the declaration of conformity, user information).
const PaperworkDir = "paperwork/"

// Paperwork bounds: these are documents, not release artefacts.
const (
	MaxPaperworkFiles = 1000
	MaxPaperworkBytes = 256 << 20
)

// WriteSigned writes files (slash paths relative to out) into the new
// folder out and signs them as a dossier is signed: signer.pub (and the
// signer's certificate when given), SHA256SUMS over every file, and
// SHA256SUMS.sig. Nothing appears at out unless it is complete.
// `craudit dossier verify --integrity-only`, or sha256sum -c and openssl
// with the signer's key, check it.
func WriteSigned(out string, force bool, files map[string][]byte, signer *keys.PrivateKey, signerCert string) error {
	cert, certSig, err := readCert(signerCert, signer.Public())
	if err != nil {
		return err
	}
	stage, err := atomicfs.NewDir(out, force)
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			stage.Abort()
		}
	}()
	w := &writer{root: stage.Path, sums: map[string]string{}}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !product.LocalPath(n) || n == SumsFile || n == SumsSigFile || n == SignerPub {
			return fmt.Errorf("signed folder: %q is not a name it can hold", n)
		}
		if err := w.write(n, files[n]); err != nil {
			return err
		}
	}
	if err := w.sign(signer, cert, certSig); err != nil {
		return err
	}
	if err := stage.Commit(); err != nil {
		return err
	}
	ok = true
	return nil
}

// sign writes signer.pub (and the certificate), then SHA256SUMS and its
// signature, which list every file written before.
func (w *writer) sign(signer *keys.PrivateKey, cert, certSig []byte) error {
	if err := w.write(SignerPub, signer.Public().MarshalPEM()); err != nil {
		return err
	}
	if cert != nil {
		if err := w.write(SignerCert, cert); err != nil {
			return err
		}
		if err := w.write(SignerCert+".sig", certSig); err != nil {
			return err
		}
	}
	sums := w.sumsFile()
	sig, err := signer.Sign(sums)
	if err != nil {
		return err
	}
	// Written last and outside w: SHA256SUMS does not list itself or its signature.
	for name, data := range map[string][]byte{SumsFile: sums, SumsSigFile: sig} {
		if err := os.WriteFile(filepath.Join(w.root, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// PaperworkFile is one file of a paperwork folder.
type PaperworkFile struct {
	// Path is slash-separated, relative to the folder.
	Path string
	Data []byte
}

// ReadPaperwork reads every regular file under dir, sorted by path. A
// symbolic link, a special file, or a folder over the bounds is an error
// naming the file: the paperwork is pinned as it is, or not at all.
func ReadPaperwork(dir string) ([]PaperworkFile, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a folder", dir)
	}
	var out []PaperworkFile
	total := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file (symbolic links and special files are refused)", p)
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if !product.LocalPath(rel) {
			return fmt.Errorf("%s: not a plain relative path", p)
		}
		if len(out) >= MaxPaperworkFiles {
			return fmt.Errorf("%s: more than %d files", dir, MaxPaperworkFiles)
		}
		b, err := atomicfs.ReadFile(p, MaxPaperworkBytes)
		if err != nil {
			return err
		}
		if total += len(b); total > MaxPaperworkBytes {
			return fmt.Errorf("%s: more than %d bytes in all", dir, MaxPaperworkBytes)
		}
		out = append(out, PaperworkFile{Path: rel, Data: b})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// writePaperwork copies the paperwork under paperwork/ and returns the
// references the dossier's "CRA paperwork" section lists. Signature files,
// and a SHA256SUMS that lists one, are cited by path only: their bytes
// differ on every signing, and the rendered documents stay the same across
// runs (their hashes are in the dossier's SHA256SUMS).
func (w *writer) writePaperwork(files []PaperworkFile) ([]checks.EvidenceRef, error) {
	var refs []checks.EvidenceRef
	for _, f := range files {
		rel := PaperworkDir + f.Path
		if err := w.write(rel, f.Data); err != nil {
			return nil, err
		}
		ref := checks.EvidenceRef{Path: rel}
		if !strings.HasSuffix(f.Path, ".sig") && path.Base(f.Path) != SumsFile {
			ref.SHA256 = w.sums[rel]
		}
		refs = append(refs, ref)
	}
	return refs, nil
}
