package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestServeCommand: one JSON line with url and ca, files served over HTTPS
// with that CA, a clean stop on SIGINT.
func TestServeCommand(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hello"), 0o644)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	done := make(chan int, 1)
	go func() { done <- run([]string{"serve", dir, "--tls-dir", filepath.Join(t.TempDir(), "tls")}) }()
	line, err := bufio.NewReader(r).ReadBytes('\n')
	os.Stdout = stdout
	if err != nil {
		t.Fatal(err)
	}
	var info struct{ URL, CA string }
	if err := json.Unmarshal(line, &info); err != nil || info.URL == "" || info.CA == "" {
		t.Fatalf("line %q: %v", line, err)
	}
	pem, _ := os.ReadFile(info.CA)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := c.Get(info.URL + "/hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hello" {
		t.Fatalf("body %q", body)
	}
	syscall.Kill(os.Getpid(), syscall.SIGINT)
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on SIGINT")
	}
}
