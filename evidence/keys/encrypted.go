package keys

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"hash"

	"golang.org/x/crypto/scrypt"
)

// Passphrase-protected keys are PKCS#8 EncryptedPrivateKeyInfo (RFC 5958)
// under PBES2 (RFC 8018), the form `openssl pkcs8 -topk8 -v2 aes-256-cbc`
// writes and `openssl pkey -passin` reads. Written: PBKDF2 with HMAC-SHA-256
// and AES-256-CBC. Read: PBKDF2 (HMAC-SHA-1/224/256/384/512) or scrypt,
// with AES-128/192/256-CBC. The key derivation's cost comes from the file,
// so it is bounded before any work is done.

// EncryptedPEMType is the PEM block type of a passphrase-protected key.
const EncryptedPEMType = "ENCRYPTED PRIVATE KEY"

// PBKDF2Iterations is the iteration count written into new protected keys
// (OWASP's 2023 figure for PBKDF2-HMAC-SHA-256; about 0.15 s here).
const PBKDF2Iterations = 600_000

// writeIterations is PBKDF2Iterations; the fuzz target lowers it to seed
// inputs that decrypt cheaply.
var writeIterations = PBKDF2Iterations

// Bounds on what a key file may ask the key derivation to do.
var (
	maxPBKDF2Iterations = 10_000_000
	maxScryptN          = 1 << 20
	maxScryptMemory     = 256 << 20 // 128 * r * N bytes
)

// ErrPassphraseRequired is returned when a key is protected and no passphrase
// source was given.
var ErrPassphraseRequired = errors.New("the key is protected and no passphrase (or token PIN) was given")

// ErrWrongPassphrase is returned when a protected key does not decrypt to a
// key with the passphrase given (a wrong passphrase, or a damaged file).
var ErrWrongPassphrase = errors.New("wrong passphrase (or a damaged key file)")

// ErrEmptyPassphrase is returned when a new key would be protected by an
// empty passphrase.
var ErrEmptyPassphrase = errors.New("empty passphrase")

var (
	oidPBES2      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}
	oidPBKDF2     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}
	oidScrypt     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11591, 4, 11}
	oidHMACSHA1   = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 7}
	oidHMACSHA224 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 8}
	oidHMACSHA256 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}
	oidHMACSHA384 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 10}
	oidHMACSHA512 = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 11}
	oidAES128CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC  = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
)

type encryptedPrivateKeyInfo struct {
	Algo pkix.AlgorithmIdentifier
	Data []byte
}

type pbes2Params struct {
	KDF    pkix.AlgorithmIdentifier
	Cipher pkix.AlgorithmIdentifier
}

type pbkdf2Params struct {
	Salt       []byte
	Iterations int
	KeyLength  int                      `asn1:"optional"`
	PRF        pkix.AlgorithmIdentifier `asn1:"optional"`
}

type scryptParams struct {
	Salt      []byte
	N         int
	R         int
	P         int
	KeyLength int `asn1:"optional"`
}

// MarshalEncryptedPEM encodes the key as an "ENCRYPTED PRIVATE KEY" block
// protected by passphrase (PBES2: PBKDF2-HMAC-SHA-256, AES-256-CBC).
func (k *PrivateKey) MarshalEncryptedPEM(passphrase []byte) ([]byte, error) {
	if len(passphrase) == 0 {
		return nil, ErrEmptyPassphrase
	}
	der, err := x509.MarshalPKCS8PrivateKey(k.signer)
	if err != nil {
		return nil, err
	}
	salt, iv := make([]byte, 16), make([]byte, aes.BlockSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	if _, err := rand.Read(iv); err != nil {
		return nil, err
	}
	key, err := pbkdf2.Key(sha256.New, string(passphrase), salt, writeIterations, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	pad := aes.BlockSize - len(der)%aes.BlockSize
	plain := append(der, bytes.Repeat([]byte{byte(pad)}, pad)...)
	ct := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, plain)

	kdf, err := asn1.Marshal(pbkdf2Params{Salt: salt, Iterations: writeIterations, KeyLength: 32,
		PRF: pkix.AlgorithmIdentifier{Algorithm: oidHMACSHA256, Parameters: asn1.NullRawValue}})
	if err != nil {
		return nil, err
	}
	ivDER, err := asn1.Marshal(iv)
	if err != nil {
		return nil, err
	}
	params, err := asn1.Marshal(pbes2Params{
		KDF:    pkix.AlgorithmIdentifier{Algorithm: oidPBKDF2, Parameters: asn1.RawValue{FullBytes: kdf}},
		Cipher: pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: ivDER}},
	})
	if err != nil {
		return nil, err
	}
	out, err := asn1.Marshal(encryptedPrivateKeyInfo{
		Algo: pkix.AlgorithmIdentifier{Algorithm: oidPBES2, Parameters: asn1.RawValue{FullBytes: params}},
		Data: ct,
	})
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: EncryptedPEMType, Bytes: out}), nil
}

// decryptPKCS8 returns the PKCS#8 PrivateKeyInfo inside an
// EncryptedPrivateKeyInfo. Structural problems are reported as such; a
// decryption that yields no valid padding is ErrWrongPassphrase.
func decryptPKCS8(der, passphrase []byte) ([]byte, error) {
	var info encryptedPrivateKeyInfo
	if rest, err := asn1.Unmarshal(der, &info); err != nil {
		return nil, fmt.Errorf("encrypted key: %w", err)
	} else if len(rest) > 0 {
		return nil, errors.New("encrypted key: trailing data")
	}
	if !info.Algo.Algorithm.Equal(oidPBES2) {
		return nil, fmt.Errorf("encrypted key: scheme %v is not supported (want PBES2)", info.Algo.Algorithm)
	}
	var p pbes2Params
	if rest, err := asn1.Unmarshal(info.Algo.Parameters.FullBytes, &p); err != nil || len(rest) > 0 {
		return nil, errors.New("encrypted key: malformed PBES2 parameters")
	}
	keyLen, err := cbcKeyLength(p.Cipher.Algorithm)
	if err != nil {
		return nil, err
	}
	var iv []byte
	if rest, err := asn1.Unmarshal(p.Cipher.Parameters.FullBytes, &iv); err != nil || len(rest) > 0 || len(iv) != aes.BlockSize {
		return nil, errors.New("encrypted key: malformed AES-CBC IV")
	}
	if len(info.Data) == 0 || len(info.Data)%aes.BlockSize != 0 {
		return nil, errors.New("encrypted key: ciphertext is not a whole number of AES blocks")
	}
	key, err := deriveKey(p.KDF, passphrase, keyLen)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	plain := make([]byte, len(info.Data))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, info.Data)
	n := int(plain[len(plain)-1])
	if n == 0 || n > aes.BlockSize {
		return nil, ErrWrongPassphrase
	}
	for _, b := range plain[len(plain)-n:] {
		if int(b) != n {
			return nil, ErrWrongPassphrase
		}
	}
	return plain[:len(plain)-n], nil
}

func cbcKeyLength(oid asn1.ObjectIdentifier) (int, error) {
	switch {
	case oid.Equal(oidAES128CBC):
		return 16, nil
	case oid.Equal(oidAES192CBC):
		return 24, nil
	case oid.Equal(oidAES256CBC):
		return 32, nil
	}
	return 0, fmt.Errorf("encrypted key: cipher %v is not supported (want AES-128/192/256-CBC)", oid)
}

func deriveKey(kdf pkix.AlgorithmIdentifier, passphrase []byte, keyLen int) ([]byte, error) {
	switch {
	case kdf.Algorithm.Equal(oidPBKDF2):
		var p pbkdf2Params
		if rest, err := asn1.Unmarshal(kdf.Parameters.FullBytes, &p); err != nil || len(rest) > 0 {
			return nil, errors.New("encrypted key: malformed PBKDF2 parameters")
		}
		if p.KeyLength != 0 && p.KeyLength != keyLen {
			return nil, fmt.Errorf("encrypted key: PBKDF2 key length %d does not fit the cipher", p.KeyLength)
		}
		if p.Iterations < 1 || p.Iterations > maxPBKDF2Iterations {
			return nil, fmt.Errorf("encrypted key: PBKDF2 iteration count %d outside 1..%d", p.Iterations, maxPBKDF2Iterations)
		}
		var h func() hash.Hash
		switch prf := p.PRF.Algorithm; {
		case len(prf) == 0, prf.Equal(oidHMACSHA1):
			h = sha1.New
		case prf.Equal(oidHMACSHA224):
			h = sha256.New224
		case prf.Equal(oidHMACSHA256):
			h = sha256.New
		case prf.Equal(oidHMACSHA384):
			h = sha512.New384
		case prf.Equal(oidHMACSHA512):
			h = sha512.New
		default:
			return nil, fmt.Errorf("encrypted key: PBKDF2 PRF %v is not supported", prf)
		}
		return pbkdf2.Key(h, string(passphrase), p.Salt, p.Iterations, keyLen)
	case kdf.Algorithm.Equal(oidScrypt):
		var p scryptParams
		if rest, err := asn1.Unmarshal(kdf.Parameters.FullBytes, &p); err != nil || len(rest) > 0 {
			return nil, errors.New("encrypted key: malformed scrypt parameters")
		}
		if p.KeyLength != 0 && p.KeyLength != keyLen {
			return nil, fmt.Errorf("encrypted key: scrypt key length %d does not fit the cipher", p.KeyLength)
		}
		if p.N < 2 || p.N > maxScryptN || p.N&(p.N-1) != 0 || p.R < 1 || p.P < 1 || p.P > 16 ||
			p.R > maxScryptMemory/128/p.N {
			return nil, fmt.Errorf("encrypted key: scrypt parameters N=%d r=%d p=%d outside the supported bounds", p.N, p.R, p.P)
		}
		return scrypt.Key(passphrase, p.Salt, p.N, p.R, p.P, keyLen)
	}
	return nil, fmt.Errorf("encrypted key: key derivation %v is not supported (want PBKDF2 or scrypt)", kdf.Algorithm)
}
