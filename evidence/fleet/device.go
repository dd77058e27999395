package fleet

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/craudit/craudit/evidence/atomicfs"
)

// LoadDeviceKey reads a device's Ed25519 private key: PEM PKCS#8, as
// `openssl genpkey -algorithm ed25519` writes it.
func LoadDeviceKey(path string) (ed25519.PrivateKey, error) {
	b, err := atomicfs.ReadFile(path, 64<<10)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("%s: want a PEM PKCS#8 Ed25519 private key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	ek, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: a %T, want an Ed25519 key", path, k)
	}
	return ek, nil
}

// ReportFileName is the file a writer puts a report in: the counter
// zero-padded, so that path order is counter order.
func ReportFileName(unit string, counter uint64) string {
	return fmt.Sprintf("%s-%020d.report", unit, counter)
}

// CounterFile is the file in a device's state folder that keeps the last
// report counter.
const CounterFile = "report-counter"

// NextCounter raises the counter kept in stateDir/report-counter and
// returns the new value (1 when the file is absent). The file is written
// before the report, so a crash never reuses a counter.
func NextCounter(stateDir string) (uint64, error) {
	p := filepath.Join(stateDir, CounterFile)
	var n uint64
	b, err := os.ReadFile(p)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return 0, err
	default:
		if n, err = strconv.ParseUint(strings.TrimSpace(string(b)), 10, 63); err != nil {
			return 0, fmt.Errorf("%s: not a counter", p)
		}
	}
	n++
	if err := atomicfs.WriteFile(p, []byte(strconv.FormatUint(n, 10)+"\n"), 0o600, true); err != nil {
		return 0, err
	}
	return n, nil
}

// WriteReport signs r with key and writes it into dir (made when absent)
// under ReportFileName; it returns the path.
func WriteReport(dir string, r *Report, key ed25519.PrivateKey) (string, error) {
	b, err := r.Sign(key)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	p := filepath.Join(dir, ReportFileName(r.Unit, r.Counter))
	return p, atomicfs.WriteFile(p, b, 0o644, false)
}
