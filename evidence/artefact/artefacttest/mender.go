package artefacttest

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
)

// Image is the payload file of Mender's artefact.
const Image = "firmware image bytes"

// Mender returns a Mender v3 artefact of one payload file fw.bin (Image),
// artifact name fw-VERSION, rootfs-image.version VERSION, device type
// st100, signed with k. With tamper, the payload is changed after signing.
func Mender(k *ecdsa.PrivateKey, version string, tamper bool) ([]byte, error) {
	ver := `{"format":"mender","version":3}`
	header := gz(tarOf([][2]string{
		{"header-info", `{"payloads":[{"type":"single-file"}],"artifact_provides":{"artifact_name":"fw-` + version + `"},"artifact_depends":{"device_type":["st100"]}}`},
		{"headers/0000/type-info", `{"type":"single-file","artifact_provides":{"rootfs-image.version":"` + version + `"}}`}}))
	data := gz(tarOf([][2]string{{"fw.bin", Image}}))
	manifest := fmt.Sprintf("%s  data/0000/fw.bin\n%s  header.tar.gz\n%s  version\n", sum(Image), sum(header), sum(ver))
	d := sha256.Sum256([]byte(manifest))
	r, s, err := ecdsa.Sign(rand.Reader, k, d[:])
	if err != nil {
		return nil, err
	}
	sig := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	if tamper {
		data = gz(tarOf([][2]string{{"fw.bin", Image[:len(Image)-1] + "z"}}))
	}
	return []byte(tarOf([][2]string{{"version", ver}, {"manifest", manifest}, {"manifest.sig", base64.StdEncoding.EncodeToString(sig)},
		{"header.tar.gz", header}, {"data/0000.tar.gz", data}})), nil
}

// PublicPEM is k's public key as a PEM SPKI block.
func PublicPEM(k *ecdsa.PrivateKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// Sum is the hex SHA-256 of s.
func Sum(s string) string { return sum(s) }

func sum(s string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(s))) }

func tarOf(files [][2]string) string {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, f := range files {
		tw.WriteHeader(&tar.Header{Name: f[0], Mode: 0o600, Size: int64(len(f[1])), Typeflag: tar.TypeReg})
		tw.Write([]byte(f[1]))
	}
	tw.Close()
	return b.String()
}

func gz(s string) string {
	var o bytes.Buffer
	z := gzip.NewWriter(&o)
	z.Write([]byte(s))
	z.Close()
	return o.String()
}
