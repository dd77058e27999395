//go:build cgo

package pkcs11

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/asn1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"sync"

	p11 "github.com/miekg/pkcs11"
)

// PKCS#11 v3.0 values that github.com/miekg/pkcs11 v1.1 does not name.
const (
	ckkECEdwards = 0x00000040 // CKK_EC_EDWARDS
	ckmEdDSA     = 0x00001057 // CKM_EDDSA
)

var (
	oidP256    = asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7}
	oidEd25519 = asn1.ObjectIdentifier{1, 3, 101, 112}
)

// Key is a private key in a token, usable as a crypto.Signer. Close it when
// done; signing is serialised (a PKCS#11 session is not concurrent).
type Key struct {
	mu      sync.Mutex
	mod     *module
	session p11.SessionHandle
	priv    p11.ObjectHandle
	pub     crypto.PublicKey
	closed  bool
}

// module is one loaded PKCS#11 library, shared by the keys opened from it:
// C_Initialize and C_Finalize are per process, so the last Close finalises.
type module struct {
	path string
	ctx  *p11.Ctx
	refs int
}

var (
	modulesMu sync.Mutex
	modules   = map[string]*module{}
)

func loadModule(path string) (*module, error) {
	modulesMu.Lock()
	defer modulesMu.Unlock()
	if m := modules[path]; m != nil {
		m.refs++
		return m, nil
	}
	ctx := p11.New(path) // dlopen: only here, only when a pkcs11: key is used
	if ctx == nil {
		return nil, fmt.Errorf("cannot load the PKCS#11 module %s", path)
	}
	if err := ctx.Initialize(); err != nil && !isRV(err, p11.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		ctx.Destroy()
		return nil, fmt.Errorf("PKCS#11 module %s: C_Initialize: %w", path, err)
	}
	m := &module{path: path, ctx: ctx, refs: 1}
	modules[path] = m
	return m, nil
}

func (m *module) release() {
	modulesMu.Lock()
	defer modulesMu.Unlock()
	m.refs--
	if m.refs == 0 {
		delete(modules, m.path)
		m.ctx.Finalize()
		m.ctx.Destroy()
	}
}

func isRV(err error, rv uint) bool {
	var e p11.Error
	return errors.As(err, &e) && uint(e) == rv
}

// Open finds the one token and the one private key the URI names, logs in
// with the URI's PIN (or fallbackPIN's, when the URI has none and the token
// asks for one) and reads the public key from the token.
func Open(u *URI, fallbackPIN func() ([]byte, error)) (*Key, error) {
	m, err := loadModule(u.ModulePath)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u, err)
	}
	k := &Key{mod: m}
	if err := k.open(u, fallbackPIN); err != nil {
		k.Close()
		return nil, fmt.Errorf("%s: %w", u, err)
	}
	return k, nil
}

func (k *Key) open(u *URI, fallbackPIN func() ([]byte, error)) error {
	ctx := k.mod.ctx
	slot, info, err := findToken(ctx, u)
	if err != nil {
		return err
	}
	if k.session, err = ctx.OpenSession(slot, p11.CKF_SERIAL_SESSION); err != nil {
		k.session = 0
		return fmt.Errorf("C_OpenSession: %w", err)
	}
	if info.Flags&p11.CKF_LOGIN_REQUIRED != 0 {
		pin, err := u.PIN(fallbackPIN)
		if err != nil {
			return err
		}
		if err := ctx.Login(k.session, p11.CKU_USER, string(pin)); err != nil && !isRV(err, p11.CKR_USER_ALREADY_LOGGED_IN) {
			if isRV(err, p11.CKR_PIN_INCORRECT) || isRV(err, p11.CKR_PIN_LEN_RANGE) {
				return ErrWrongPIN
			}
			return fmt.Errorf("C_Login: %w", err)
		}
	}
	tmpl := []*p11.Attribute{p11.NewAttribute(p11.CKA_CLASS, p11.CKO_PRIVATE_KEY)}
	if u.Object != "" {
		tmpl = append(tmpl, p11.NewAttribute(p11.CKA_LABEL, u.Object))
	}
	if u.HasID {
		tmpl = append(tmpl, p11.NewAttribute(p11.CKA_ID, u.ID))
	}
	privs, err := findObjects(ctx, k.session, tmpl)
	if err != nil {
		return err
	}
	switch len(privs) {
	case 0:
		return errors.New("no private key with that object/id on the token")
	case 1:
	default:
		return fmt.Errorf("%d private keys match; name one with object= and id=", len(privs))
	}
	k.priv = privs[0]
	attrs, err := ctx.GetAttributeValue(k.session, k.priv, []*p11.Attribute{
		p11.NewAttribute(p11.CKA_KEY_TYPE, nil), p11.NewAttribute(p11.CKA_ID, nil), p11.NewAttribute(p11.CKA_LABEL, nil)})
	if err != nil {
		return fmt.Errorf("reading the private key's attributes: %w", err)
	}
	keyType, id, label := attrs[0].Value, attrs[1].Value, attrs[2].Value
	// The public key comes from the token's public-key object of the same
	// key pair (same CKA_ID, else same label).
	ptmpl := []*p11.Attribute{p11.NewAttribute(p11.CKA_CLASS, p11.CKO_PUBLIC_KEY)}
	switch {
	case len(id) > 0:
		ptmpl = append(ptmpl, p11.NewAttribute(p11.CKA_ID, id))
	case len(label) > 0:
		ptmpl = append(ptmpl, p11.NewAttribute(p11.CKA_LABEL, label))
	default:
		return errors.New("the private key has neither CKA_ID nor CKA_LABEL to find its public key by")
	}
	pubs, err := findObjects(ctx, k.session, ptmpl)
	if err != nil {
		return err
	}
	if len(pubs) != 1 {
		return fmt.Errorf("found %d public-key objects for the key (want 1); the public key must be on the token", len(pubs))
	}
	pa, err := ctx.GetAttributeValue(k.session, pubs[0], []*p11.Attribute{
		p11.NewAttribute(p11.CKA_EC_PARAMS, nil), p11.NewAttribute(p11.CKA_EC_POINT, nil)})
	if err != nil {
		return fmt.Errorf("reading the public key: %w", err)
	}
	k.pub, err = publicKey(ulong(keyType), pa[0].Value, pa[1].Value)
	return err
}

func findToken(ctx *p11.Ctx, u *URI) (uint, p11.TokenInfo, error) {
	slots, err := ctx.GetSlotList(true)
	if err != nil {
		return 0, p11.TokenInfo{}, fmt.Errorf("C_GetSlotList: %w", err)
	}
	var (
		found []uint
		info  p11.TokenInfo
	)
	for _, s := range slots {
		if u.HasSlotID && s != u.SlotID {
			continue
		}
		ti, err := ctx.GetTokenInfo(s)
		if err != nil {
			continue
		}
		if !match(u.Token, ti.Label) || !match(u.Manufacturer, ti.ManufacturerID) ||
			!match(u.Model, ti.Model) || !match(u.Serial, ti.SerialNumber) {
			continue
		}
		found, info = append(found, s), ti
	}
	switch len(found) {
	case 0:
		return 0, info, errors.New("no token matches")
	case 1:
		return found[0], info, nil
	}
	return 0, info, fmt.Errorf("%d tokens match; name one with token=, serial= or slot-id=", len(found))
}

// match compares a URI attribute with a token's blank-padded field.
func match(want, have string) bool {
	return want == "" || want == strings.TrimRight(have, " \x00")
}

func findObjects(ctx *p11.Ctx, s p11.SessionHandle, tmpl []*p11.Attribute) ([]p11.ObjectHandle, error) {
	if err := ctx.FindObjectsInit(s, tmpl); err != nil {
		return nil, fmt.Errorf("C_FindObjectsInit: %w", err)
	}
	// Ask for 2: one is what is wanted, 2 is ambiguous.
	objs, _, err := ctx.FindObjects(s, 2)
	if ferr := ctx.FindObjectsFinal(s); err == nil && ferr != nil {
		err = ferr
	}
	if err != nil {
		return nil, fmt.Errorf("C_FindObjects: %w", err)
	}
	return objs, nil
}

// ulong decodes a CK_ULONG attribute (native byte order and size).
func ulong(b []byte) uint {
	switch len(b) {
	case 8:
		return uint(binary.NativeEndian.Uint64(b))
	case 4:
		return uint(binary.NativeEndian.Uint32(b))
	}
	return ^uint(0)
}

func publicKey(keyType uint, params, point []byte) (crypto.PublicKey, error) {
	// CKA_EC_POINT is a DER OCTET STRING; a few tokens give the raw bytes.
	raw := point
	var inner []byte
	if rest, err := asn1.Unmarshal(point, &inner); err == nil && len(rest) == 0 {
		raw = inner
	}
	switch keyType {
	case p11.CKK_EC:
		var oid asn1.ObjectIdentifier
		if _, err := asn1.Unmarshal(params, &oid); err != nil || !oid.Equal(oidP256) {
			return nil, errors.New("the EC key is not on P-256 (only ECDSA P-256 is supported)")
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
		if err != nil {
			return nil, fmt.Errorf("the token's EC point: %w", err)
		}
		return pub, nil
	case ckkECEdwards:
		var oid asn1.ObjectIdentifier
		var name string
		_, oerr := asn1.Unmarshal(params, &oid)
		_, nerr := asn1.Unmarshal(params, &name)
		if !(oerr == nil && oid.Equal(oidEd25519)) && !(nerr == nil && name == "edwards25519") {
			return nil, errors.New("the Edwards key is not Ed25519")
		}
		if len(raw) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("the token's Ed25519 point has %d bytes, want %d", len(raw), ed25519.PublicKeySize)
		}
		return ed25519.PublicKey(bytes.Clone(raw)), nil
	}
	return nil, fmt.Errorf("key type 0x%x is not supported (want ECDSA P-256 or Ed25519)", keyType)
}

// Public returns the public key read from the token.
func (k *Key) Public() crypto.PublicKey { return k.pub }

// Sign signs as crypto.Signer: for ECDSA, digest is a hash named by opts and
// the signature is ASN.1 DER; for Ed25519, digest is the message itself
// (opts.HashFunc() == 0).
func (k *Key) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return nil, errors.New("pkcs11: key is closed")
	}
	ctx := k.mod.ctx
	switch k.pub.(type) {
	case *ecdsa.PublicKey:
		if h := opts.HashFunc(); h == 0 || len(digest) != h.Size() {
			return nil, errors.New("pkcs11: ECDSA signs a digest named by opts")
		}
		if err := ctx.SignInit(k.session, []*p11.Mechanism{p11.NewMechanism(p11.CKM_ECDSA, nil)}, k.priv); err != nil {
			return nil, fmt.Errorf("pkcs11: C_SignInit: %w", err)
		}
		rs, err := ctx.Sign(k.session, digest)
		if err != nil {
			return nil, fmt.Errorf("pkcs11: C_Sign: %w", err)
		}
		if len(rs) != 64 {
			return nil, fmt.Errorf("pkcs11: ECDSA signature of %d bytes, want 64", len(rs))
		}
		return asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(rs[:32]), new(big.Int).SetBytes(rs[32:])})
	case ed25519.PublicKey:
		if opts.HashFunc() != 0 {
			return nil, errors.New("pkcs11: Ed25519 signs the message itself (pure EdDSA)")
		}
		if err := ctx.SignInit(k.session, []*p11.Mechanism{p11.NewMechanism(ckmEdDSA, nil)}, k.priv); err != nil {
			return nil, fmt.Errorf("pkcs11: C_SignInit (CKM_EDDSA): %w", err)
		}
		sig, err := ctx.Sign(k.session, digest)
		if err != nil {
			return nil, fmt.Errorf("pkcs11: C_Sign: %w", err)
		}
		return sig, nil
	}
	return nil, errors.New("pkcs11: no key")
}

// Close logs out, closes the session and, with the last key of its module,
// finalises the module.
func (k *Key) Close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed || k.mod == nil {
		return nil
	}
	k.closed = true
	if k.session != 0 {
		k.mod.ctx.Logout(k.session)
		k.mod.ctx.CloseSession(k.session)
	}
	k.mod.release()
	return nil
}
