package dossier

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/bundle"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/reports"
)

// Fixed names in a dossier.
const (
	SumsFile    = "SHA256SUMS"
	SumsSigFile = "SHA256SUMS.sig"
	SignerPub   = "signer.pub"
	SignerCert  = "signer.cert.json"
	BundleDir   = "evidence/bundle/"
	LiveDir     = "evidence/live/"
)

// Options for Write.
type Options struct {
	Out   string
	Force bool
	// Input is the checked evidence; Report its judgement (paths relative to the bundle).
	Input  *checks.Input
	Report *checks.Report
	Signer *keys.PrivateKey
	// SignerCert is a certificate path (CERT and CERT.sig) for the signer, optional.
	SignerCert string
	Renderers  []reports.Renderer
	// Context, when set and cancelled (an interrupt), stops Write before the
	// new dossier replaces anything: the previous one stays.
	Context context.Context
}

// Write renders and signs a dossier; nothing appears at Out unless it is complete.
func Write(o Options) error {
	cert, certSig, err := readCert(o.SignerCert, o.Signer.Public())
	if err != nil {
		return err
	}
	stage, err := atomicfs.NewDir(o.Out, o.Force)
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			stage.Abort()
		}
	}()
	root := stage.Path
	if err := copyBundle(o.Input.Bundle, filepath.Join(root, filepath.FromSlash(BundleDir))); err != nil {
		return err
	}
	for p, data := range o.Input.Live {
		if o.Input.Bundle.Has(p) {
			continue // recorded in the bundle already: it is under evidence/bundle/
		}
		if err := writeFile(root, LiveDir+strings.TrimPrefix(p, "live/"), data); err != nil {
			return err
		}
	}
	d := Data(o.Input, o.Report)
	for _, r := range o.Renderers {
		var buf bytes.Buffer
		if err := r.Render(&buf, d); err != nil {
			return fmt.Errorf("rendering %s: %w", r.File(), err)
		}
		if err := writeFile(root, r.File(), buf.Bytes()); err != nil {
			return err
		}
	}
	if err := writeFile(root, SignerPub, o.Signer.Public().MarshalPEM()); err != nil {
		return err
	}
	if cert != nil {
		if err := writeFile(root, SignerCert, cert); err != nil {
			return err
		}
		if err := writeFile(root, SignerCert+".sig", certSig); err != nil {
			return err
		}
	}
	sums, err := Sums(root)
	if err != nil {
		return err
	}
	sig, err := o.Signer.Sign(sums)
	if err != nil {
		return err
	}
	if err := writeFile(root, SumsFile, sums); err != nil {
		return err
	}
	if err := writeFile(root, SumsSigFile, sig); err != nil {
		return err
	}
	if o.Context != nil && o.Context.Err() != nil {
		return fmt.Errorf("interrupted: %w", o.Context.Err())
	}
	if err := stage.Commit(); err != nil {
		return err
	}
	ok = true
	return nil
}

// Data collects the report data of a dossier: evidence paths relative to
// the dossier's evidence/ folder, links relative to the dossier's root.
func Data(in *checks.Input, r *checks.Report) *reports.Data {
	d := reports.Collect(in, relocate(r, in))
	d.EvidencePrefix, d.ItemPrefix = "evidence/", "bundle/"
	d.Live = relocateRefs(d.Live, in)
	return d
}

// relocate rewrites evidence paths from bundle-relative to dossier
// evidence/-relative: bundle items move under bundle/, live evidence stays.
func relocate(r *checks.Report, in *checks.Input) *checks.Report {
	c := *r
	c.Results = make([]checks.Result, len(r.Results))
	for i, res := range r.Results {
		res.Evidence = relocateRefs(res.Evidence, in)
		c.Results[i] = res
	}
	return &c
}

func relocateRefs(refs []checks.EvidenceRef, in *checks.Input) []checks.EvidenceRef {
	out := make([]checks.EvidenceRef, len(refs))
	for i, e := range refs {
		if !(strings.HasPrefix(e.Path, "live/") && !in.Bundle.Has(e.Path)) {
			e.Path = "bundle/" + e.Path
		}
		out[i] = e
	}
	return out
}

func readCert(p string, signer *keys.PublicKey) (cert, sig []byte, err error) {
	if p == "" {
		return nil, nil, nil
	}
	if cert, err = os.ReadFile(p); err != nil {
		return nil, nil, err
	}
	if sig, err = os.ReadFile(p + ".sig"); err != nil {
		return nil, nil, err
	}
	_, sub, err := keys.ParseCertificate(cert)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", p, err)
	}
	if !sub.Equal(signer) {
		return nil, nil, fmt.Errorf("%s: certifies a different key than the signing key", p)
	}
	return cert, sig, nil
}

// copyBundle copies the verified bundle's files as they are.
func copyBundle(b *bundle.Bundle, dst string) error {
	names := []string{bundle.IndexFile, bundle.IndexSigFile}
	if b.Index != nil {
		for _, it := range b.Index.Items {
			names = append(names, it.Path)
		}
	}
	for _, n := range names {
		src := b.Path(n)
		st, err := os.Lstat(src)
		if err != nil || !st.Mode().IsRegular() {
			continue // a problem already reported by verification; the dossier says so
		}
		if err := copyFile(src, filepath.Join(dst, filepath.FromSlash(n))); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func writeFile(root, rel string, data []byte) error {
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// Sums lists every regular file below root except SHA256SUMS and its
// signature, sorted, in sha256sum's format ("<hex>  <path>").
func Sums(root string) ([]byte, error) {
	var lines []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if rel == SumsFile || rel == SumsSigFile {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", rel)
		}
		h, err := hashFile(p)
		if err != nil {
			return err
		}
		lines = append(lines, h+"  "+rel)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
	return []byte(strings.Join(lines, "\n") + "\n"), nil
}

func hashFile(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
