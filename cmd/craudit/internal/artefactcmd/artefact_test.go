package artefactcmd

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/artefact/artefacttest"
)

func write(t *testing.T, dir, name string, b []byte) string {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
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
	goodB, err := artefacttest.Mender(k, "2.0.0", false)
	if err != nil {
		t.Fatal(err)
	}
	badB, _ := artefacttest.Mender(k, "2.0.0", true)
	art, bad := write(t, dir, "fw.mender", goodB), write(t, dir, "bad.mender", badB)
	good, wrong := write(t, dir, "good.pub", artefacttest.PublicPEM(k)), write(t, dir, "other.pub", artefacttest.PublicPEM(other))
	junk := write(t, dir, "junk.bin", []byte("not an artefact at all"))
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
	if !rep.Verified || rep.Version != "2.0.0" || len(rep.DeviceType) != 1 || len(rep.Images) != 1 || rep.Images[0].SHA256 != artefacttest.Sum(artefacttest.Image) {
		t.Fatalf("inspection: %+v", rep)
	}
}
