package artefactcmd

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
)

func tarOf(t *testing.T, files [][2]string) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f[0], Mode: 0o600, Size: int64(len(f[1])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		io.WriteString(tw, f[1])
	}
	tw.Close()
	return b.Bytes()
}

func gz(b []byte) string {
	var o bytes.Buffer
	z := gzip.NewWriter(&o)
	z.Write(b)
	z.Close()
	return o.String()
}

func hexSum(s string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(s))) }

// menderArtefact writes a signed Mender v3 artefact (ECDSA P-256, raw r||s).
func menderArtefact(t *testing.T, dir, name string, k *ecdsa.PrivateKey, tamper bool) string {
	version := `{"format":"mender","version":3}`
	header := gz(tarOf(t, [][2]string{{"header-info", `{"payloads":[{"type":"single-file"}],"artifact_provides":{"artifact_name":"fw-2.0.0"},"artifact_depends":{"device_type":["st100"]}}`},
		{"headers/0000/type-info", `{"type":"single-file","artifact_provides":{"rootfs-image.version":"2.0.0"}}`}}))
	image := "firmware image bytes"
	data := gz(tarOf(t, [][2]string{{"fw.bin", image}}))
	manifest := fmt.Sprintf("%s  data/0000/fw.bin\n%s  header.tar.gz\n%s  version\n", hexSum(image), hexSum(header), hexSum(version))
	d := sha256.Sum256([]byte(manifest))
	r, s, err := ecdsa.Sign(rand.Reader, k, d[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	if tamper { // one byte of the image differs from what the signed manifest pins
		data = gz(tarOf(t, [][2]string{{"fw.bin", "firmware image bytez"}}))
	}
	out := tarOf(t, [][2]string{{"version", version}, {"manifest", manifest}, {"manifest.sig", base64.StdEncoding.EncodeToString(sig)},
		{"header.tar.gz", header}, {"data/0000.tar.gz", data}})
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func pubPEM(t *testing.T, dir, name string, k *ecdsa.PrivateKey) string {
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o600)
	return p
}

func execute(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	root := &cobra.Command{Use: "craudit", SilenceUsage: true, SilenceErrors: true}
	root.AddCommand(New())
	code := cli.Execute(context.Background(), root, args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestVerifyExitCodes(t *testing.T) {
	dir := t.TempDir()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	art := menderArtefact(t, dir, "fw.mender", k, false)
	bad := menderArtefact(t, dir, "bad.mender", k, true)
	good, wrong := pubPEM(t, dir, "good.pub", k), pubPEM(t, dir, "other.pub", other)
	junk := filepath.Join(dir, "junk.bin")
	os.WriteFile(junk, []byte("not an artefact at all"), 0o600)
	for _, c := range []struct {
		name string
		args []string
		code int
	}{
		{"verified", []string{"artefact", "verify", art, "--key", good}, 0},
		{"wrong key", []string{"artefact", "verify", art, "--key", wrong}, 1},
		{"no trust anchor", []string{"artefact", "verify", art}, 1},
		{"tampered", []string{"artefact", "verify", bad, "--key", good}, 1},
		{"inspect reads a tampered artefact", []string{"artefact", "inspect", bad, "--key", good}, 0},
		{"unknown format", []string{"artefact", "verify", junk, "--key", good}, 2},
		{"missing file", []string{"artefact", "verify", filepath.Join(dir, "nope"), "--key", good}, 2},
		{"unreadable anchor", []string{"artefact", "verify", art, "--key", filepath.Join(dir, "nope.pub")}, 2},
		{"bad format flag", []string{"artefact", "verify", art, "--format", "xml"}, 2},
		{"ca and key", []string{"artefact", "verify", art, "--key", good, "--ca", good}, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := execute(c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errs)
			}
		})
	}
	code, out, _ := execute("artefact", "inspect", art, "--key", good, "--format", "json")
	var rep struct {
		Verified   bool     `json:"verified"`
		Version    string   `json:"version"`
		DeviceType []string `json:"device_type"`
		Images     []struct {
			Name, SHA256 string
		} `json:"images"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 {
		t.Fatalf("inspect json: %v (exit %d)\n%s", err, code, out)
	}
	if !rep.Verified || rep.Version != "2.0.0" || len(rep.DeviceType) != 1 || len(rep.Images) != 1 || rep.Images[0].SHA256 != hexSum("firmware image bytes") {
		t.Fatalf("inspection: %+v", rep)
	}
}
