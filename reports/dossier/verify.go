package dossier

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/product"
)

// Verification is the result of Verify.
type Verification struct {
	// Problems lists every changed, missing, extra or unsafe file.
	Problems []string `json:"problems"`
	// Files is the number of files SHA256SUMS lists.
	Files int `json:"files"`
	// Authenticated is true when the signer was tied to a trusted key.
	Authenticated bool   `json:"authenticated"`
	Signer        string `json:"signer_key_id"`
	// Anchor is the ID of the --trust key the signer was checked against.
	Anchor string `json:"anchor_key_id,omitempty"`
	How    string `json:"how"`
	// Rejudged is true when the enclosed evidence was judged again (see
	// VerifyOptions.Rejudge); Judgement says how that went.
	Rejudged  bool   `json:"rejudged"`
	Judgement string `json:"judgement,omitempty"`
	// sums maps every path SHA256SUMS lists to its hex SHA-256.
	sums map[string]string
}

// OK reports a dossier with no problem.
func (v *Verification) OK() bool { return len(v.Problems) == 0 }

func (v *Verification) add(format string, a ...any) {
	v.Problems = append(v.Problems, fmt.Sprintf(format, a...))
}

// ErrNotADossier means dir cannot be judged at all.
var ErrNotADossier = errors.New("not a dossier directory")

// Verify re-hashes every file against SHA256SUMS and checks its signature by
// the enclosed signer.pub. With trust, the signer must be that key, or be
// certified by it through signer.cert.json; without trust, integrity is
// checked but the signer is not authenticated, and the result says so.
func Verify(dir string, trust *keys.PublicKey) (*Verification, error) {
	return VerifyWith(dir, VerifyOptions{Trust: trust})
}

// VerifyWith verifies as Verify does and, with o.Rejudge and a dossier
// whose signer is authenticated, judges the enclosed evidence again.
func VerifyWith(dir string, o VerifyOptions) (*Verification, error) {
	trust := o.Trust
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: %w", dir, ErrNotADossier)
	}
	v := &Verification{}
	sums, err1 := readBounded(filepath.Join(dir, SumsFile), 64<<20)
	sig, err2 := readBounded(filepath.Join(dir, SumsSigFile), 4096)
	pub, err3 := readBounded(filepath.Join(dir, SignerPub), 64<<10)
	for name, err := range map[string]error{SumsFile: err1, SumsSigFile: err2, SignerPub: err3} {
		if err != nil {
			v.add("%s: %v", name, err)
		}
	}
	if len(v.Problems) > 0 {
		sort.Strings(v.Problems)
		return v, nil
	}
	signer, err := keys.ParsePublicPEM(pub)
	if err != nil {
		v.add("%s: %v", SignerPub, err)
		return v, nil
	}
	v.Signer = signer.ID()
	if err := signer.Verify(sums, sig); err != nil {
		v.add("%s: signature does not verify with %s", SumsSigFile, SignerPub)
	}
	v.sums = checkSums(v, dir, sums)
	findExtra(v, dir, v.sums)
	authenticate(v, dir, signer, trust)
	if _, judged := v.sums[ResultsFile]; o.Rejudge != nil && v.Authenticated && (judged || v.sums[BundleDir+"bundle.json"] != "") {
		rejudge(v, dir, o)
	} else if o.Rejudge != nil && v.Authenticated {
		// A signed folder that holds no judgement (a declaration of
		// conformity): hashes, signature and signer are all there is.
		v.Judgement = "a signed folder without results.json or a bundle: nothing to judge again"
	}
	sort.Strings(v.Problems)
	return v, nil
}

func checkSums(v *Verification, dir string, sums []byte) map[string]string {
	listed := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(sums))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		sum, rel, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 64 || !product.LocalPath(rel) {
			v.add("%s line %d: malformed", SumsFile, n)
			continue
		}
		if _, twice := listed[rel]; twice {
			v.add("%s: listed twice", rel)
			continue
		}
		listed[rel] = sum
		v.Files++
		p := filepath.Join(dir, filepath.FromSlash(rel))
		st, err := os.Lstat(p)
		switch {
		case err != nil:
			v.add("%s: missing", rel)
			continue
		case !st.Mode().IsRegular():
			v.add("%s: not a regular file", rel)
			continue
		}
		got, err := hashFile(p)
		if err != nil {
			v.add("%s: %v", rel, err)
		} else if got != sum {
			v.add("%s: changed (SHA-256 differs from %s)", rel, SumsFile)
		}
	}
	if err := sc.Err(); err != nil {
		v.add("%s: %v", SumsFile, err)
	}
	return listed
}

func findExtra(v *Verification, dir string, listed map[string]string) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			v.add("%v", err)
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir() || rel == SumsFile || rel == SumsSigFile:
		case d.Type()&fs.ModeSymlink != 0:
			if _, ok := listed[rel]; ok {
				return nil // already reported as not a regular file
			}
			v.add("%s: symbolic link not listed in %s", rel, SumsFile)
		case listed[rel] == "":
			v.add("%s: extra file not listed in %s", rel, SumsFile)
		}
		return nil
	})
}

// IntegrityOnly is what a verification without a trust anchor says.
const IntegrityOnly = "integrity only: signer not authenticated (no --trust key given)"

func authenticate(v *Verification, dir string, signer, trust *keys.PublicKey) {
	if trust == nil {
		v.How = IntegrityOnly
		return
	}
	v.Anchor = trust.ID()
	if signer.Equal(trust) {
		v.Authenticated, v.How = true, "signed by the trusted key"
		return
	}
	who := fmt.Sprintf("%s is signed by key %s, not by the trusted key %s", SumsFile, short(signer.ID()), short(trust.ID()))
	cert, err1 := readBounded(filepath.Join(dir, SignerCert), 1<<20)
	csig, err2 := readBounded(filepath.Join(dir, SignerCert+".sig"), 4096)
	if err1 != nil || err2 != nil {
		v.add("%s, and no certificate of that key is enclosed", who)
		return
	}
	// A dossier is an archive kept for years, longer than its signer's
	// certificate: judged now, every archived dossier would fail once the
	// certificate expired. Its validity period is therefore not judged here.
	_, sub, err := keys.VerifyCertificate(cert, csig, trust, keys.CertVerifyOptions{SkipValidityPeriodUnsafe: true})
	if err != nil {
		issuer := "unreadable"
		if c, _, perr := keys.ParseCertificate(cert); perr == nil {
			issuer = short(c.Issuer.KeyID)
		}
		v.add("%s, and %s (issued by key %s) is not signed by %s: %v", who, SignerCert, issuer, short(trust.ID()), err)
		return
	}
	if !sub.Equal(signer) {
		v.add("%s: certifies a different key than %s", SignerCert, SignerPub)
		return
	}
	v.Authenticated, v.How = true, "signer certified by the trusted key through "+SignerCert
}

func short(id string) string {
	if len(id) > 16 {
		return id[:16]
	}
	return id
}

func readBounded(p string, limit int64) ([]byte, error) {
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

// Outcome is what `dossier verify` prints, and whether the dossier passes:
// without a trust anchor, integrity alone passes only with integrityOnly.
func (v *Verification) Outcome(dir string, integrityOnly bool) (lines []string, ok bool) {
	for _, p := range v.Problems {
		lines = append(lines, "FAIL "+p)
	}
	if v.Judgement != "" && !v.OK() {
		lines = append(lines, v.Judgement)
	}
	switch {
	case !v.OK():
		return append(lines, fmt.Sprintf("dossier %s failed verification (%d problems)", dir, len(v.Problems))), false
	case v.Anchor == "":
		lines = append(lines, fmt.Sprintf("%s: %d files match %s and its signature verifies with the enclosed %s (key %s)", dir, v.Files, SumsFile, SignerPub, short(v.Signer)))
		if !integrityOnly {
			return append(lines, IntegrityOnly+": give --trust ROOT.pub, or --integrity-only to accept that"), false
		}
		return append(lines, "OK "+IntegrityOnly), true
	}
	s := fmt.Sprintf("OK %s: %d files match %s; %s", dir, v.Files, SumsFile, v.How)
	if v.Judgement != "" {
		s += "; " + v.Judgement
	}
	return append(lines, s), true
}
