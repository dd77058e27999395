package dossier

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
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
	// Policy is policy.yaml as the judgement used it (nil: the default
	// policy); the dossier encloses it so it can be judged again.
	Policy []byte
	// Context, when set and cancelled (an interrupt), stops Write before the
	// new dossier replaces anything: the previous one stays.
	Context context.Context
	// Paperwork, when set, is enclosed under paperwork/ and listed in the
	// "CRA paperwork" section (ReadPaperwork reads a folder of it).
	Paperwork []PaperworkFile
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
	w := &writer{root: stage.Path, sums: map[string]string{}}
	if err := w.copyBundle(o.Input.Bundle); err != nil {
		return err
	}
	for p, data := range o.Input.Live {
		if o.Input.Bundle.Has(p) {
			continue // recorded in the bundle already: it is under evidence/bundle/
		}
		if err := w.write(LiveDir+strings.TrimPrefix(p, "live/"), data); err != nil {
			return err
		}
	}
	pol := o.Policy
	if pol == nil {
		pol = []byte(DefaultPolicyYAML)
	}
	if err := w.write(PolicyFile, pol); err != nil {
		return err
	}
	d := Data(o.Input, o.Report)
	if d.Paperwork, err = w.writePaperwork(o.Paperwork); err != nil {
		return err
	}
	d.DossierSigner = o.Signer.Public().ID()
	for _, r := range o.Renderers {
		var buf bytes.Buffer
		if err := r.Render(&buf, d); err != nil {
			return fmt.Errorf("rendering %s: %w", r.File(), err)
		}
		if err := w.write(r.File(), buf.Bytes()); err != nil {
			return err
		}
	}
	if err := w.sign(o.Signer, cert, certSig); err != nil {
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

// writer puts files into the staging dossier and hashes each one as it is
// written, so SHA256SUMS costs no second read (artefacts can be large).
type writer struct {
	root string
	sums map[string]string // slash path -> hex SHA-256
}

func (w *writer) create(rel string) (*os.File, error) {
	p := filepath.Join(w.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	return os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
}

func (w *writer) write(rel string, data []byte) error {
	f, err := w.create(rel)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	sum := sha256.Sum256(data)
	w.sums[rel] = hex.EncodeToString(sum[:])
	return f.Close()
}

// copyItem copies bundle item p to rel through Bundle.CopyItem: kept bytes
// from memory, anything else streamed and checked against the signed index.
// A mismatch is an error, and Write then leaves nothing at the destination.
func (w *writer) copyItem(b *bundle.Bundle, p, rel string) error {
	out, err := w.create(rel)
	if err != nil {
		return err
	}
	h := sha256.New()
	if _, err := b.CopyItem(io.MultiWriter(out, h), p); err != nil {
		out.Close()
		return err
	}
	w.sums[rel] = hex.EncodeToString(h.Sum(nil))
	return out.Close()
}

// copyBundle copies the bundle as it was verified: bundle.json and its
// signature as Open read them, and every item whose bytes matched the index.
// An item that did not match is left out (its problem is in the results): a
// signed dossier carries no bytes the bundle's signature does not vouch for.
func (w *writer) copyBundle(b *bundle.Bundle) error {
	idx, sig := b.RawIndex()
	for name, data := range map[string][]byte{bundle.IndexFile: idx, bundle.IndexSigFile: sig} {
		if data == nil {
			continue // a problem already reported by verification
		}
		if err := w.write(BundleDir+name, data); err != nil {
			return err
		}
	}
	if b.Index == nil {
		return nil
	}
	for _, it := range b.Index.Items {
		if !b.Matched(it.Path) {
			continue
		}
		if err := w.copyItem(b, it.Path, BundleDir+it.Path); err != nil {
			return err
		}
	}
	return nil
}

// sumsFile is SHA256SUMS: every file written, sorted by path, in
// sha256sum's format ("<hex>  <path>").
func (w *writer) sumsFile() []byte {
	paths := make([]string, 0, len(w.sums))
	for p := range w.sums {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b strings.Builder
	for _, p := range paths {
		b.WriteString(w.sums[p] + "  " + p + "\n")
	}
	return []byte(b.String())
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
