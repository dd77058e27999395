package keys

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/craudit/craudit/evidence/atomicfs"
)

// WritePair writes dir/name.key (PKCS#8 PEM, mode 0600) and dir/name.pub
// (SPKI PEM), making dir when absent. Without force it refuses, before
// writing anything, when either file exists (atomicfs.ErrExists); each file
// is written atomically.
func WritePair(dir, name string, k *PrivateKey, force bool) (keyPath, pubPath string, err error) {
	return WriteProtectedPair(dir, name, k, nil, force)
}

// WriteProtectedPair is WritePair with the private key protected by
// passphrase ("ENCRYPTED PRIVATE KEY", see MarshalEncryptedPEM); a nil
// passphrase writes it unprotected.
func WriteProtectedPair(dir, name string, k *PrivateKey, passphrase []byte, force bool) (keyPath, pubPath string, err error) {
	var pemKey []byte
	if passphrase == nil {
		pemKey, err = k.MarshalPEM()
	} else {
		pemKey, err = k.MarshalEncryptedPEM(passphrase)
	}
	if err != nil {
		return "", "", err
	}
	keyPath, pubPath = filepath.Join(dir, name+".key"), filepath.Join(dir, name+".pub")
	if err := refuseExisting(force, keyPath, pubPath); err != nil {
		return "", "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	if err := atomicfs.WriteFile(keyPath, pemKey, 0o600, force); err != nil {
		return "", "", err
	}
	if err := atomicfs.WriteFile(pubPath, k.Public().MarshalPEM(), 0o644, force); err != nil {
		return "", "", err
	}
	return keyPath, pubPath, nil
}

// WriteCertificate writes a certificate to path and the root's signature
// over it to path.sig, the pair every command that takes a certificate
// reads. Without force it refuses, before writing anything, when either
// exists.
func WriteCertificate(path string, cert, sig []byte, force bool) error {
	if err := refuseExisting(force, path, path+".sig"); err != nil {
		return err
	}
	if err := atomicfs.WriteFile(path, cert, 0o644, force); err != nil {
		return err
	}
	return atomicfs.WriteFile(path+".sig", sig, 0o644, force)
}

func refuseExisting(force bool, paths ...string) error {
	if force {
		return nil
	}
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("%s: %w", p, atomicfs.ErrExists)
		}
	}
	return nil
}
