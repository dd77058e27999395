package verifier_test

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"net"
	"strings"
	"testing"

	"github.com/craudit/craudit/checks/verifier"
	"github.com/craudit/craudit/evidence/repo"
)

// TestResolveKeepsTheDeclaredName serves a manifest repository on loopback
// with a certificate for a declared name, reaches it with --resolve, and
// checks that the transcript names the declared URL, the address really
// dialled and the SHA-256 of the leaf the server presented.
func TestResolveKeepsTheDeclaredName(t *testing.T) {
	const name = "updates.thermo-test.example"
	f := newManifestRepo(t)
	s, err := repo.Serve(f.dir, "127.0.0.1:0", t.TempDir(), name)
	must(t, err)
	t.Cleanup(func() { s.Close() })
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(s.URL, "https://"))
	leaf := leafSHA256(t, strings.TrimPrefix(s.URL, "https://"), name)
	declared := "https://" + name
	tests := []struct {
		name, rule string
		ok         bool
	}{
		{"port moved", name + ":443:127.0.0.1:" + port, true},
		{"ipv6 form of the loopback", name + ":443:[127.0.0.1]:" + port, true},
		{"rule for another host", "other.example:443:127.0.0.1:" + port, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := f.opts()
			o.RepoURL, o.CAFile, o.Resolve = declared, s.CAPath, []string{tc.rule}
			run, err := verifier.Verify(context.Background(), o)
			if !tc.ok {
				// Without a rule for the declared name it is looked up in DNS
				// (.example never resolves): the verifier could not run.
				if err == nil {
					t.Fatalf("verified %s without a matching rule: %s", declared, run.Text())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !run.OK() {
				t.Fatalf("not verified:\n%s", run.Text())
			}
			if run.Repository != declared {
				t.Errorf("repository %q, want the declared %q", run.Repository, declared)
			}
			c := run.Contacted
			if c == nil {
				t.Fatal("no contacted endpoint recorded")
			}
			if c.Address != "127.0.0.1:"+port || c.Resolve != tc.rule || c.TLSLeafSHA256 != leaf || !strings.Contains(c.TLSLeafSubject, name) {
				t.Errorf("contacted %+v, want 127.0.0.1:%s by %q, leaf %s for %s", c, port, tc.rule, leaf, name)
			}
			for _, r := range run.Requests {
				if !strings.HasPrefix(r.URL, declared+"/") {
					t.Errorf("request URL %s does not keep the declared name", r.URL)
				}
			}
		})
	}
	// Without --resolve the plain loopback URL is recorded as dialled, no rule.
	o := f.opts()
	run, err := verifier.Verify(context.Background(), o)
	must(t, err)
	if c := run.Contacted; c == nil || c.Resolve != "" || c.Address != strings.TrimPrefix(f.srvURL, "https://") || len(c.TLSLeafSHA256) != 64 {
		t.Errorf("contacted %+v for %s", run.Contacted, f.srvURL)
	}
}

// TestResolveNameMismatchFails: a rule moves the address but never the TLS
// name check. A certificate without the declared name fails the transport
// control (exit 1), and the transcript still says where it went.
func TestResolveNameMismatchFails(t *testing.T) {
	f := newManifestRepo(t) // certificate for localhost and 127.0.0.1 only
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(f.srvURL, "https://"))
	o := f.opts()
	o.RepoURL, o.Resolve = "https://updates.elsewhere.example", []string{"updates.elsewhere.example:443:127.0.0.1:" + port}
	run, err := verifier.Verify(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if run.OK() || run.Failure == nil || !strings.Contains(run.Failure.Step, "transport") {
		t.Fatalf("a certificate for another name was accepted:\n%s", run.Text())
	}
	if c := run.Contacted; c == nil || c.Address != "127.0.0.1:"+port || c.TLSLeafSHA256 != "" {
		t.Errorf("contacted %+v", run.Contacted)
	}
}

func TestResolveRuleSyntax(t *testing.T) {
	for _, bad := range []string{"", "host", "host:443", "host:443:", "host:0:127.0.0.1", "host:443:not-an-ip", "host:443:127.0.0.1:99999", "host:443:[::1", ":443:127.0.0.1"} {
		o := verifier.Options{RepoURL: "https://host", TrustData: []byte("-----BEGIN PUBLIC KEY-----\n"), Resolve: []string{bad}}
		if _, err := verifier.Verify(context.Background(), o); err == nil {
			t.Errorf("rule %q accepted", bad)
		}
	}
}

func leafSHA256(t *testing.T, addr, name string) string {
	t.Helper()
	conn, err := tls.Dial("tcp", addr, &tls.Config{ServerName: name, InsecureSkipVerify: true})
	must(t, err)
	defer conn.Close()
	sum := sha256.Sum256(conn.ConnectionState().PeerCertificates[0].Raw)
	return hex.EncodeToString(sum[:])
}
