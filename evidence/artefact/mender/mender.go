package mender

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"path"
	"sort"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/craudit/craudit/evidence/artefact"
)

const (
	maxSmall   = 1 << 20 // version, manifest, signature, header members
	maxEntries = 10000
)

// IsMender tells whether head (the first 512 bytes) is a tar header of a
// member named "version", as every Mender artefact starts.
func IsMender(head []byte) bool {
	if len(head) < 512 || !bytes.Equal(head[257:262], []byte("ustar")) {
		return false
	}
	name := head[:100]
	if i := bytes.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	return string(name) == "version"
}

// Manifest maps member or payload-file names to their SHA-256 (lower-case hex).
type Manifest map[string]string

// ParseManifest reads "SHA256  NAME" lines strictly.
func ParseManifest(b []byte) (Manifest, error) {
	m := Manifest{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if line == "" {
			continue
		}
		sum, name, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 64 || name == "" {
			return nil, fmt.Errorf("manifest line %d: want \"SHA256  NAME\"", n)
		}
		if _, err := hex.DecodeString(sum); err != nil {
			return nil, fmt.Errorf("manifest line %d: %q is not hex", n, sum)
		}
		if _, dup := m[name]; dup {
			return nil, fmt.Errorf("manifest line %d: %s twice", n, name)
		}
		if len(m) == maxEntries {
			return nil, fmt.Errorf("manifest has more than %d entries", maxEntries)
		}
		m[name] = strings.ToLower(sum)
	}
	return m, sc.Err()
}

// HeaderInfo is header.tar's header-info (v2 and v3 fields).
type HeaderInfo struct {
	Payloads []struct {
		Type string `json:"type"`
	} `json:"payloads"`
	Updates []struct {
		Type string `json:"type"`
	} `json:"updates"`
	ArtifactProvides map[string]any `json:"artifact_provides"`
	ArtifactDepends  map[string]any `json:"artifact_depends"`
	ArtifactName     string         `json:"artifact_name"`
	DeviceTypes      []string       `json:"device_types_compatible"`
}

type typeInfo struct {
	Type             *string        `json:"type"`
	ArtifactProvides map[string]any `json:"artifact_provides"`
}

// Verify reads a Mender artefact front to back once.
func Verify(r io.Reader, size int64, o artefact.Options) (*artefact.Report, error) {
	rep := &artefact.Report{Size: size, Format: artefact.FormatMender, Signature: artefact.Signature{Kind: "none"}}
	tr := tar.NewReader(r)
	var manifest Manifest
	var manifestRaw []byte
	seen := map[string]string{} // name -> computed sum
	var payloadTypes []string
	provides := map[string]string{}
	n := 0
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if n == 0 {
				return nil, artefact.Malformed(rep.Format, "%v", err)
			}
			rep.Add("tar", "after %d members: %v", n, err)
			break
		}
		n++
		if n > maxEntries {
			rep.Add("tar", "more than %d members", maxEntries)
			break
		}
		if h.Typeflag != tar.TypeReg {
			rep.Add("member-type", "member %s is not a regular file", h.Name)
			continue
		}
		name := h.Name
		if _, dup := seen[name]; dup {
			rep.Add("duplicate-member", "member %s appears twice", name)
			continue
		}
		switch {
		case n == 1 && name != "version":
			return nil, artefact.Malformed(rep.Format, "first member is %q, not version", name)
		case name == "version":
			b, sum, err := readSmall(tr)
			if err != nil {
				return nil, artefact.Malformed(rep.Format, "version: %v", err)
			}
			seen[name] = sum
			var v struct {
				Format  string `json:"format"`
				Version int    `json:"version"`
			}
			if err := json.Unmarshal(b, &v); err != nil || v.Format != "mender" {
				return nil, artefact.Malformed(rep.Format, "version member is not a Mender version")
			}
			rep.FormatVersion = fmt.Sprint(v.Version)
			if v.Version != 2 && v.Version != 3 {
				rep.Add("format-version", "Mender artefact format version %d is not read (2 and 3 are)", v.Version)
				rep.Finish()
				return rep, nil
			}
		case name == "manifest":
			b, sum, err := readSmall(tr)
			if err != nil {
				return nil, artefact.Malformed(rep.Format, "manifest: %v", err)
			}
			seen[name] = sum
			if manifest, err = ParseManifest(b); err != nil {
				rep.Add("manifest", "%v", err)
				rep.Finish()
				return rep, nil
			}
			manifestRaw = b
		case name == "manifest.sig":
			b, sum, err := readSmall(tr)
			if err != nil {
				return nil, artefact.Malformed(rep.Format, "manifest.sig: %v", err)
			}
			seen[name] = sum
			rep.Signature.Present = true
			if manifestRaw == nil {
				rep.Add("signature-order", "manifest.sig comes before manifest")
				continue
			}
			verifySig(rep, manifestRaw, b, o)
		case strings.HasPrefix(name, "header.tar") || strings.HasPrefix(name, "header-augment.tar"):
			hh := sha256.New()
			hi, tis, err := readHeader(io.TeeReader(tr, hh), name)
			if _, cerr := artefact.Copy(tr, hh); err == nil {
				err = cerr
			}
			seen[name] = hex.EncodeToString(hh.Sum(nil))
			if err != nil {
				rep.Add("header", "%s: %v", name, err)
				continue
			}
			if strings.HasPrefix(name, "header-augment") {
				rep.Add("augmented", "%s is not covered by manifest.sig (augmented artefact)", name)
				continue
			}
			fillHeader(rep, hi, tis, &payloadTypes, provides)
		case strings.HasPrefix(name, "data/"):
			dir, ok := dataDir(name)
			if !ok {
				rep.Add("data", "member %s is not data/NNNN.tar[.gz|.xz|.zst]", name)
				continue
			}
			seen[name] = ""
			files, err := hashPayload(tr, name)
			if err != nil {
				rep.Add("data", "%s: %v", name, err)
			}
			for _, f := range files {
				full := dir + "/" + f.name
				if _, dup := seen[full]; dup {
					rep.Add("duplicate-member", "payload file %s twice", full)
					continue
				}
				seen[full] = f.sum
				rep.Images = append(rep.Images, artefact.Image{Name: full, SHA256: f.sum, Size: f.size, Declared: manifest[full]})
			}
		default:
			b, sum, err := readSmall(tr)
			_ = b
			if err != nil {
				rep.Add("member", "%s: %v", name, err)
				continue
			}
			seen[name] = sum
			if name != "manifest-augment" {
				rep.Add("unknown-member", "member %s is not part of the format", name)
			}
		}
	}
	if manifest == nil {
		rep.Add("manifest", "the artefact has no manifest")
	}
	// Every signed entry must be present and match; every member except the
	// manifest, its signature and augments must be in the manifest.
	for name, want := range manifest {
		got, ok := seen[name]
		if !ok {
			rep.Add("missing", "%s is in the manifest but not in the artefact", name)
		} else if strings.HasPrefix(name, "data/") {
			continue // compared per image
		} else if got != want {
			rep.Add("hash-mismatch", "%s: SHA-256 %s, manifest declares %s", name, got, want)
		}
	}
	var unlisted []string
	for name, sum := range seen {
		if sum == "" || name == "manifest" || name == "manifest.sig" || strings.Contains(name, "augment") {
			continue
		}
		if _, ok := manifest[name]; !ok && manifest != nil {
			unlisted = append(unlisted, name)
		}
	}
	sort.Strings(unlisted)
	for _, name := range unlisted {
		if !strings.HasPrefix(name, "data/") {
			rep.Add("unlisted", "%s is not in the manifest", name)
		}
	}
	rep.Detail("payload-types", strings.Join(payloadTypes, ","))
	rep.Finish()
	return rep, nil
}

func readSmall(r io.Reader) ([]byte, string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxSmall+1))
	if err != nil {
		return nil, "", err
	}
	if len(b) > maxSmall {
		return nil, "", fmt.Errorf("larger than %d bytes", maxSmall)
	}
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:]), nil
}

// decompress opens a member by its suffix.
func decompress(r io.Reader, name string) (io.Reader, func(), error) {
	switch {
	case strings.HasSuffix(name, ".tar"):
		return r, func() {}, nil
	case strings.HasSuffix(name, ".tar.gz"):
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, err
		}
		z.Multistream(false)
		return z, func() { z.Close() }, nil
	case strings.HasSuffix(name, ".tar.xz"):
		z, err := xz.NewReader(r)
		return z, func() {}, err
	case strings.HasSuffix(name, ".tar.zst"):
		z, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxWindow(64<<20))
		if err != nil {
			return nil, nil, err
		}
		return z, z.Close, nil
	}
	return nil, nil, fmt.Errorf("unknown compression of %s", name)
}

type tinfo struct {
	idx  string
	info typeInfo
}

func readHeader(r io.Reader, name string) (*HeaderInfo, []tinfo, error) {
	z, done, err := decompress(r, name)
	if err != nil {
		return nil, nil, err
	}
	defer done()
	tr := tar.NewReader(z)
	var hi *HeaderInfo
	var tis []tinfo
	for i := 0; ; i++ {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		if i > maxEntries {
			return nil, nil, fmt.Errorf("more than %d members", maxEntries)
		}
		b, _, err := readSmall(tr)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %v", h.Name, err)
		}
		switch {
		case h.Name == "header-info":
			hi = &HeaderInfo{}
			if err := json.Unmarshal(b, hi); err != nil {
				return nil, nil, fmt.Errorf("header-info: %v", err)
			}
		case strings.HasPrefix(h.Name, "headers/") && path.Base(h.Name) == "type-info":
			var ti typeInfo
			if err := json.Unmarshal(b, &ti); err != nil {
				return nil, nil, fmt.Errorf("%s: %v", h.Name, err)
			}
			tis = append(tis, tinfo{idx: path.Dir(h.Name), info: ti})
		}
	}
	if hi == nil && !strings.HasPrefix(name, "header-augment") {
		return nil, nil, fmt.Errorf("no header-info")
	}
	if _, err := io.Copy(io.Discard, z); err != nil {
		return nil, nil, err
	}
	return hi, tis, nil
}

func fillHeader(rep *artefact.Report, hi *HeaderInfo, tis []tinfo, types *[]string, provides map[string]string) {
	for _, p := range hi.Payloads {
		*types = append(*types, p.Type)
	}
	for _, p := range hi.Updates {
		*types = append(*types, p.Type)
	}
	rep.Name = hi.ArtifactName
	for k, v := range hi.ArtifactProvides {
		provides[k] = fmt.Sprint(v)
	}
	if n := provides["artifact_name"]; n != "" {
		rep.Name = n
	}
	rep.DeviceType = append(rep.DeviceType, hi.DeviceTypes...)
	if dt, ok := hi.ArtifactDepends["device_type"].([]any); ok {
		for _, d := range dt {
			rep.DeviceType = append(rep.DeviceType, fmt.Sprint(d))
		}
	}
	if g := provides["artifact_group"]; g != "" {
		rep.Detail("artifact-group", g)
	}
	sort.Slice(tis, func(i, j int) bool { return tis[i].idx < tis[j].idx })
	for _, t := range tis {
		for k, v := range t.info.ArtifactProvides {
			if strings.HasSuffix(k, ".version") && rep.Version == "" {
				rep.Version = fmt.Sprint(v)
			}
		}
	}
	if rep.Version == "" {
		rep.Version = rep.Name
	}
}

func dataDir(name string) (string, bool) {
	base := strings.TrimPrefix(name, "data/")
	num, ext, ok := strings.Cut(base, ".")
	if !ok || len(num) != 4 || strings.Trim(num, "0123456789") != "" {
		return "", false
	}
	switch ext {
	case "tar", "tar.gz", "tar.xz", "tar.zst":
		return "data/" + num, true
	}
	return "", false
}

type payloadFile struct {
	name string
	sum  string
	size int64
}

func hashPayload(r io.Reader, name string) ([]payloadFile, error) {
	z, done, err := decompress(r, name)
	if err != nil {
		return nil, err
	}
	defer done()
	tr := tar.NewReader(z)
	var out []payloadFile
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if len(out) == maxEntries {
			return out, fmt.Errorf("more than %d payload files", maxEntries)
		}
		if h.Typeflag != tar.TypeReg || strings.Contains(h.Name, "/") {
			return out, fmt.Errorf("payload member %s is not a plain regular file", h.Name)
		}
		sum, n, err := artefact.SHA256(tr)
		if err != nil {
			return out, err
		}
		out = append(out, payloadFile{name: h.Name, sum: sum, size: n})
	}
}

func verifySig(rep *artefact.Report, manifest, sigB64 []byte, o artefact.Options) {
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(sigB64)))
	if err != nil {
		rep.Add("signature-malformed", "manifest.sig is not base64")
		return
	}
	sum := sha256.Sum256(manifest)
	switch k := o.Key.(type) {
	case nil:
		if o.Roots != nil {
			rep.Signature.Anchor = "ca"
			rep.Add("anchor-mismatch", "a Mender artefact is verified with a public key (--key), not a CA")
		}
		rep.Signature.Kind = guessKind(sig)
		return
	case *ecdsa.PublicKey:
		rep.Signature.Kind, rep.Signature.Anchor = "ecdsa-p256", "key"
		rep.Signature.Valid = verifyECDSA(k, sum[:], sig)
	case *rsa.PublicKey:
		rep.Signature.Kind, rep.Signature.Anchor = "rsa-pkcs1v15", "key"
		rep.Signature.Valid = rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) == nil
	case ed25519.PublicKey:
		rep.Signature.Kind, rep.Signature.Anchor = "ed25519", "key"
		rep.Signature.Valid = ed25519.Verify(k, manifest, sig)
	default:
		rep.Add("signature-unsupported", "key type %T", o.Key)
		return
	}
	rep.Signature.Trusted = rep.Signature.Valid
	if !rep.Signature.Valid {
		rep.Add("signature-bad-signature", "manifest.sig does not verify with the given key")
	}
}

func verifyECDSA(k *ecdsa.PublicKey, digest, sig []byte) bool {
	size := (k.Curve.Params().BitSize + 7) / 8
	if len(sig) == 2*size {
		r := new(big.Int).SetBytes(sig[:size])
		s := new(big.Int).SetBytes(sig[size:])
		return ecdsa.Verify(k, digest, r, s)
	}
	return ecdsa.VerifyASN1(k, digest, sig)
}

func guessKind(sig []byte) string {
	switch len(sig) {
	case 64:
		return "ecdsa-p256"
	case 256, 384, 512:
		return "rsa-pkcs1v15"
	}
	return "unknown"
}
