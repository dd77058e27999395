package repo

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/craudit/craudit/evidence/atomicfs"
)

// Names of the files in a TLS directory.
const (
	CAFile    = "ca.pem"
	CAKeyFile = "ca.key"
)

// Server is a running HTTPS server on loopback.
type Server struct {
	// URL is https://127.0.0.1:PORT (no trailing slash).
	URL string
	// CAPath is the PEM file of the CA that issued the server's certificate.
	CAPath string
	srv    *http.Server
	ln     net.Listener
	tmp    string
	done   chan struct{}
}

// Close stops the server and removes any temporary TLS directory.
func (s *Server) Close() error {
	err := s.srv.Close()
	<-s.done
	if s.tmp != "" {
		os.RemoveAll(s.tmp)
	}
	return err
}

// Serve serves the files below dir over HTTPS at addr (default
// 127.0.0.1:0). The CA is read from tlsDir (ca.pem, ca.key) or made there
// when absent; with tlsDir empty it lives in a temporary directory removed
// by Close. Directory listings are not served. The certificate covers
// localhost, the loopback addresses and names (host names a test presents the
// server under, reached with --resolve).
func Serve(dir, addr, tlsDir string, names ...string) (*Server, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", dir)
	}
	return ServeHandler(FileHandler(dir), addr, tlsDir, names...)
}

// FileHandler serves the files below dir without directory listings.
func FileHandler(dir string) http.Handler { return http.FileServer(noListing{http.Dir(dir)}) }

// ServeHandler is Serve with any handler, for hostile repositories whose
// server misbehaves (slow, endless, redirecting).
func ServeHandler(h http.Handler, addr, tlsDir string, names ...string) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	s := &Server{done: make(chan struct{})}
	if tlsDir == "" {
		d, err := os.MkdirTemp("", "craudit-tls-*")
		if err != nil {
			return nil, err
		}
		tlsDir, s.tmp = d, d
	}
	ca, caKey, err := LoadOrCreateCA(tlsDir)
	if err != nil {
		s.cleanup()
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.cleanup()
		return nil, err
	}
	host, _, _ := net.SplitHostPort(ln.Addr().String())
	cert, err := issueServerCert(ca, caKey, host, names)
	if err != nil {
		ln.Close()
		s.cleanup()
		return nil, err
	}
	s.ln = ln
	s.CAPath = filepath.Join(tlsDir, CAFile)
	s.URL = "https://" + ln.Addr().String()
	s.srv = &http.Server{
		Handler:           h,
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}},
		ReadHeaderTimeout: 10 * time.Second,
		// A client refusing our certificate is its business, not a server error.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() {
		defer close(s.done)
		if err := s.srv.ServeTLS(ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "craudit serve:", err)
		}
	}()
	return s, nil
}

func (s *Server) cleanup() {
	if s.tmp != "" {
		os.RemoveAll(s.tmp)
	}
}

// noListing refuses directories, so a repository never leaks a listing.
type noListing struct{ fs http.FileSystem }

func (n noListing) Open(name string) (http.File, error) {
	f, err := n.fs.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		f.Close()
		return nil, os.ErrNotExist
	}
	return f, nil
}

// LoadOrCreateCA reads dir/ca.pem and dir/ca.key, or makes an ECDSA P-256 CA
// valid for ten years and writes them (the key with mode 0600).
func LoadOrCreateCA(dir string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	cp, kp := filepath.Join(dir, CAFile), filepath.Join(dir, CAKeyFile)
	if cb, err := os.ReadFile(cp); err == nil {
		kb, err := os.ReadFile(kp)
		if err != nil {
			return nil, nil, fmt.Errorf("%s exists but %s is unreadable: %w", cp, kp, err)
		}
		return parseCA(cb, kb)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "craudit loopback repository CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	if err := atomicfs.WriteFile(kp, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600, false); err != nil {
		return nil, nil, err
	}
	if err := atomicfs.WriteFile(cp, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644, false); err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func parseCA(cb, kb []byte) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	b, _ := pem.Decode(cb)
	if b == nil || b.Type != "CERTIFICATE" {
		return nil, nil, errors.New(CAFile + ": no PEM certificate")
	}
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", CAFile, err)
	}
	k, _ := pem.Decode(kb)
	if k == nil {
		return nil, nil, errors.New(CAKeyFile + ": no PEM key")
	}
	anyKey, err := x509.ParsePKCS8PrivateKey(k.Bytes)
	if err != nil {
		if ek, err2 := x509.ParseECPrivateKey(k.Bytes); err2 == nil {
			anyKey = ek
		} else {
			return nil, nil, fmt.Errorf("%s: %w", CAKeyFile, err)
		}
	}
	key, ok := anyKey.(*ecdsa.PrivateKey)
	if !ok {
		return nil, nil, errors.New(CAKeyFile + ": not an ECDSA key")
	}
	return cert, key, nil
}

// issueServerCert makes a short-lived leaf for the loopback names.
func issueServerCert(ca *x509.Certificate, caKey *ecdsa.PrivateKey, host string, names []string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	cn := "localhost"
	if len(names) > 0 {
		cn = names[0]
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(0, 0, 30),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     append([]string{"localhost"}, names...),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if ip := net.ParseIP(host); ip != nil && !ip.IsLoopback() && !ip.IsUnspecified() {
		tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der, ca.Raw}, PrivateKey: key}, nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n
}
