package clients_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/checks/verifier/clients"
	"github.com/craudit/craudit/checks/verifier/primary"
	"github.com/craudit/craudit/checks/verifier/primary/primarytest"
	"github.com/craudit/craudit/evidence/uptane"
)

// TestUptaneOverPlainHTTP: a harness may serve plain http on loopback; the
// reference Primary then installs, and a mix-and-match Director is still
// refused with nothing replaced.
func TestUptaneOverPlainHTTP(t *testing.T) {
	ecus := []primary.ECU{{Serial: "main-1", HardwareID: "hw-main"}}
	dep, err := primarytest.Build(t.TempDir(), primarytest.Options{Dialect: uptane.DialectOTA, Algorithm: uptane.RSA, ECUs: ecus,
		Images: map[string][]byte{"a.bin": []byte("image a\n")}, Assign: map[string]string{"main-1": "a.bin"}, ReleaseCounters: map[string]int64{"a.bin": 1}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dep.Dir)))
	defer srv.Close()
	md, td := t.TempDir(), filepath.Join(t.TempDir(), "installed")
	if err := clients.UptaneInit(md, filepath.Join(dep.DirectorDir, "1.root.json"), filepath.Join(dep.ImageDir, "1.root.json")); err != nil {
		t.Fatal(err)
	}
	if err := clients.UptaneInit(md, filepath.Join(dep.ImageDir, "targets", "a.bin"), filepath.Join(dep.ImageDir, "1.root.json")); err == nil {
		t.Fatal("init accepted an image as a root")
	}
	o := verifier.Options{RepoURL: srv.URL + "/director", ImageRepoURL: srv.URL + "/image", ECUs: ecus, ReferenceTime: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := clients.UptaneUpdate(context.Background(), o, md, td); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(td, "a.bin")); err != nil || string(b) != "image a\n" {
		t.Fatalf("installed %q %v", b, err)
	}
	// The Director names other bytes (mix and match).
	if err := dep.SetImage("a.bin", []byte("image b\n")); err != nil {
		t.Fatal(err)
	}
	if err := dep.WriteDirector(2); err != nil {
		t.Fatal(err)
	}
	if _, err := clients.UptaneUpdate(context.Background(), o, md, td); err == nil {
		t.Fatal("mix and match accepted")
	}
	if b, _ := os.ReadFile(filepath.Join(td, "a.bin")); string(b) != "image a\n" {
		t.Fatalf("installed image replaced: %q", b)
	}
}
