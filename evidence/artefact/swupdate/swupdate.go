package swupdate

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"io"
	"sort"
	"strings"

	"github.com/craudit/craudit/evidence/artefact"
	"github.com/craudit/craudit/evidence/artefact/cms"
)

const (
	descName = "sw-description"
	sigName  = "sw-description.sig"
	maxSig   = 64 << 10
)

// Description is what sw-description declares.
type Description struct {
	Version  string
	Hardware []string
	Name     string
	Images   []DescImage
}

// DescImage is one entry of an images, files or scripts list.
type DescImage struct {
	Filename string
	SHA256   string
	Target   string // device, path or type
	Section  string // images, files, scripts
}

// ParseDescription reads sw-description (libconfig or JSON). Images are
// collected from every images / files / scripts list anywhere under
// "software" (board and selection sub-groups included).
func ParseDescription(b []byte) (*Description, error) {
	root, err := ParseConfig(b)
	if err != nil {
		return nil, err
	}
	sw := root.Get("software")
	if sw == nil || sw.Kind != Group {
		return nil, errors.New("sw-description has no software group")
	}
	d := &Description{Version: sw.Get("version").String(), Name: sw.Get("name").String()}
	hw := map[string]bool{}
	var walk func(v *Value, depth int)
	walk = func(v *Value, depth int) {
		if v == nil || v.Kind != Group || depth > maxDepth {
			return
		}
		for _, s := range v.Settings {
			switch {
			case s.Name == "hardware-compatibility":
				for _, h := range s.Value.Strings() {
					hw[h] = true
				}
			case (s.Name == "images" || s.Name == "files" || s.Name == "scripts") && s.Value.Kind == List:
				for _, it := range s.Value.Items {
					if it.Kind != Group {
						continue
					}
					im := DescImage{Filename: it.Get("filename").String(), SHA256: strings.ToLower(it.Get("sha256").String()), Section: s.Name}
					for _, k := range []string{"device", "path", "volume", "type"} {
						if t := it.Get(k).String(); t != "" {
							im.Target = t
							break
						}
					}
					if im.Filename != "" {
						d.Images = append(d.Images, im)
					}
				}
			case s.Value.Kind == Group:
				walk(s.Value, depth+1)
			}
		}
	}
	walk(sw, 0)
	for h := range hw {
		d.Hardware = append(d.Hardware, h)
	}
	sort.Strings(d.Hardware)
	return d, nil
}

// Verify reads a .swu archive front to back once.
func Verify(r io.Reader, size int64, o artefact.Options) (*artefact.Report, error) {
	rep := &artefact.Report{Size: size, Format: artefact.FormatSWUpdate, Signature: artefact.Signature{Kind: "none"}}
	cr := NewReader(r)
	h, err := cr.Next()
	if err != nil {
		return nil, artefact.Malformed(rep.Format, "%v", err)
	}
	if h.Name != descName {
		return nil, artefact.Malformed(rep.Format, "first member is %q, not sw-description", h.Name)
	}
	if h.CRC {
		rep.FormatVersion = "cpio-crc"
	} else {
		rep.FormatVersion = "cpio-newc"
	}
	if h.Size > maxConfig {
		return nil, artefact.Malformed(rep.Format, "sw-description of %d bytes exceeds %d", h.Size, maxConfig)
	}
	desc, err := io.ReadAll(cr)
	if err != nil {
		return nil, artefact.Malformed(rep.Format, "%v", err)
	}
	if !cr.ChecksumOK() {
		rep.Add("cpio-checksum", "sw-description: cpio checksum mismatch")
	}
	h, err = cr.Next()
	if err != nil && err != io.EOF {
		return nil, artefact.Malformed(rep.Format, "%v", err)
	}
	var pending *Header
	if h != nil && h.Name == sigName {
		if h.Size > maxSig {
			return nil, artefact.Malformed(rep.Format, "sw-description.sig of %d bytes exceeds %d", h.Size, maxSig)
		}
		sig, err := io.ReadAll(cr)
		if err != nil {
			return nil, artefact.Malformed(rep.Format, "%v", err)
		}
		rep.Signature.Present = true
		verifySig(rep, desc, sig, o)
	} else {
		pending = h
	}
	d, err := ParseDescription(desc)
	if err != nil {
		rep.Add("sw-description", "%v", err)
		rep.Finish()
		return rep, nil
	}
	rep.Version, rep.Hardware, rep.Name = d.Version, d.Hardware, d.Name
	want := map[string][]int{}
	for _, im := range d.Images {
		rep.Images = append(rep.Images, artefact.Image{Name: im.Filename, Declared: im.SHA256, Target: im.Target})
		want[im.Filename] = append(want[im.Filename], len(rep.Images)-1)
	}
	seen := map[string]bool{}
	for {
		if pending != nil {
			h, pending = pending, nil
		} else if h, err = cr.Next(); err == io.EOF {
			break
		} else if err != nil {
			rep.Add("cpio", "%v", err)
			break
		}
		if seen[h.Name] {
			rep.Add("duplicate-member", "member %s appears twice", h.Name)
			continue
		}
		seen[h.Name] = true
		idx, ok := want[h.Name]
		if !ok {
			continue
		}
		sum, n, err := artefact.SHA256(cr)
		if err != nil {
			rep.Add("cpio", "member %s: %v", h.Name, err)
			break
		}
		if !cr.ChecksumOK() {
			rep.Add("cpio-checksum", "member %s: cpio checksum mismatch", h.Name)
		}
		for _, i := range idx {
			rep.Images[i].SHA256, rep.Images[i].Size = sum, n
		}
	}
	rep.Finish()
	return rep, nil
}

func verifySig(rep *artefact.Report, desc, sig []byte, o artefact.Options) {
	if sd, err := cms.Parse(sig); err == nil {
		rep.Signature.Kind = "cms"
		rep.Signature.Chain = artefact.Chain(sd.Embedded())
		h, err := sd.Hash()
		if err != nil {
			rep.Add("signature-unsupported", "%v", err)
			return
		}
		hh := h.New()
		hh.Write(desc)
		ku, err := o.ExtKeyUsages()
		if err != nil {
			rep.Add("purpose", "%v", err)
			return
		}
		res, err := sd.Verify(hh.Sum(nil), cms.Options{Roots: o.Roots, Time: o.At(), KeyUsages: ku})
		if res != nil {
			rep.Signature.Valid, rep.Signature.Trusted, rep.Signature.SigningTime = true, res.Trusted, res.SigningTime
			if res.Trusted {
				rep.Signature.Chain = artefact.Chain(res.Chain)
			}
		}
		if o.Roots != nil {
			rep.Signature.Anchor = "ca"
		} else if o.Key != nil {
			rep.Add("anchor-mismatch", "a CMS-signed sw-description needs --ca, not --key")
		}
		if err != nil {
			rep.Add("signature-"+cms.Code(err), "%v", err)
		}
		return
	}
	// Not CMS: SWUpdate's RSA mode (openssl dgst -sha256 -sign).
	rep.Signature.Kind = "rsa-pkcs1v15"
	k, ok := o.Key.(*rsa.PublicKey)
	if !ok {
		if o.Key != nil || o.Roots != nil {
			rep.Signature.Anchor = "key"
			rep.Add("anchor-mismatch", "sw-description.sig is a raw RSA signature: it needs an RSA public key (--key)")
		}
		return
	}
	rep.Signature.Anchor = "key"
	sum := sha256.Sum256(desc)
	if err := rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig); err != nil {
		rep.Add("signature-bad-signature", "RSA signature over sw-description does not verify with the given key")
		return
	}
	rep.Signature.Valid, rep.Signature.Trusted = true, true
}
