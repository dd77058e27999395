package toolattack

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// cert is a certificate and its key, in PEM.
type cert struct {
	x   *x509.Certificate
	key *ecdsa.PrivateKey
	// PEM is the certificate, KeyPEM the PKCS#8 private key.
	PEM, KeyPEM []byte
}

// newCA makes a self-signed CA valid around ref.
func newCA(name string, ref time.Time) (*cert, error) {
	return issue(nil, name, nil, ref.AddDate(0, -1, 0), ref.AddDate(1, 0, 0))
}

// issue makes a certificate for name signed by ca (nil: self-signed CA).
// eku empty: a CA certificate.
func issue(ca *cert, name string, eku []x509.ExtKeyUsage, notBefore, notAfter time.Time) (*cert, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	t := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: name, Organization: []string{"craudit attack test"}},
		NotBefore: notBefore, NotAfter: notAfter, BasicConstraintsValid: true}
	parent, signer := t, k
	if ca == nil {
		t.IsCA = true
		t.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	} else {
		t.KeyUsage = x509.KeyUsageDigitalSignature
		t.ExtKeyUsage = eku
		parent, signer = ca.x, ca.key
		if strings.Contains(name, ".") || name == "localhost" {
			t.DNSNames = []string{name}
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, t, parent, &k.PublicKey, signer)
	if err != nil {
		return nil, err
	}
	x, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	kd, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	return &cert{x: x, key: k, PEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd})}, nil
}

// signers are the certificates one scenario signs with: the vendor's
// (trusted CA), one from a CA the device does not trust, and an expired one
// from the trusted CA.
type signers struct {
	ca, vendor, other, expired *cert
}

// signerKind says who signs a release.
type signerKind int

const (
	byVendor signerKind = iota
	byOther
	byExpired
	unsigned
)

func newSigners(ref time.Time, eku x509.ExtKeyUsage) (*signers, error) {
	ca, err := newCA("device trust anchor", ref)
	if err != nil {
		return nil, err
	}
	other, err := newCA("someone else's CA", ref)
	if err != nil {
		return nil, err
	}
	s := &signers{ca: ca}
	ekus := []x509.ExtKeyUsage{eku}
	if s.vendor, err = issue(ca, "vendor release signing", ekus, ref.AddDate(0, -1, 0), ref.AddDate(1, 0, 0)); err != nil {
		return nil, err
	}
	if s.other, err = issue(other, "vendor release signing", ekus, ref.AddDate(0, -1, 0), ref.AddDate(1, 0, 0)); err != nil {
		return nil, err
	}
	if s.expired, err = issue(ca, "vendor release signing (expired)", ekus, ref.AddDate(-1, 0, 0), ref.AddDate(0, 0, -1)); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *signers) pick(k signerKind) *cert {
	switch k {
	case byOther:
		return s.other
	case byExpired:
		return s.expired
	case unsigned:
		return nil
	}
	return s.vendor
}

// workdir is a builder's scratch folder (removed when the builder is done).
type workdir struct{ dir string }

func newWorkdir() (*workdir, error) {
	d, err := os.MkdirTemp("", "craudit-toolattack-*")
	if err != nil {
		return nil, err
	}
	return &workdir{dir: d}, nil
}

func (w *workdir) close() { os.RemoveAll(w.dir) }

func (w *workdir) path(name string) string { return filepath.Join(w.dir, name) }

// write writes name under the folder (making parents) and returns its path.
func (w *workdir) write(name string, b []byte) (string, error) {
	p := w.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", err
	}
	return p, os.WriteFile(p, b, 0o600)
}

var seq atomic.Int64

// nextTag names a fresh sub-folder of a builder's scratch folder.
func nextTag(prefix string) string { return fmt.Sprintf("%s%d", prefix, seq.Add(1)) }

// buildTimeout bounds one tool run while building a scenario.
const buildTimeout = 2 * time.Minute

// run runs a build tool in dir; its output is in the error when it fails.
func run(dir string, stdin []byte, env []string, argv ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if len(msg) > 600 {
			msg = msg[len(msg)-600:]
		}
		return nil, fmt.Errorf("%s: %v: %s", strings.Join(argv[:min(len(argv), 3)], " "), err, msg)
	}
	return out.Bytes(), nil
}
