package reports

import (
	"testing"

	"github.com/craudit/craudit/evidence/attackrun"
	"github.com/craudit/craudit/evidence/transcript"
)

func TestLiveViews(t *testing.T) {
	r := &transcript.Run{Schema: transcript.Schema, Profile: transcript.ProfileTUF, Repository: "https://127.0.0.1:41234/repo",
		Trust: transcript.TrustInfo{Kind: transcript.ProfileTUF, Version: 2}, Verdict: transcript.Failed,
		Transport: transcript.Transport{Scheme: "https", TLSVersions: []string{"TLS 1.2", "TLS 1.3"}, CA: "given", MaxRedirect: 3},
		Targets:   []transcript.Target{{Name: "fw.bin", Length: 42, SHA256: "ab", Verdict: transcript.Fail}}}
	r.Add(transcript.Step{ID: "target/integrity", Control: transcript.ControlIntegrity, ENISAStep: 5, Verdict: transcript.Fail, Detail: "from https://localhost:999/fw.bin"})
	v := transcriptView(r)
	for _, c := range []struct{ got, want string }{
		{v.Repository, "https://127.0.0.1:PORT/repo"},
		{v.Trust, "tuf root v2"},
		{v.Transport, "https, TLS 1.2/TLS 1.3, CA given, at most 3 redirects"},
		{v.Failure, "target/integrity: from https://localhost:PORT/fw.bin"},
		{v.Steps[0].Detail, "from https://localhost:PORT/fw.bin"},
		{v.Steps[0].Control + " " + v.Steps[0].Verdict, "integrity fail"},
		{v.Targets[0], "fw.bin (42 bytes, SHA-256 ab): fail"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}

	a := attackView(&attackrun.Run{Profile: attackrun.ProfileManifest, Client: "'/tmp/go-build1/craudit' manifest-client --x",
		Scenarios: []attackrun.Result{
			{ID: "a", Verdict: attackrun.Pass, Expect: attackrun.Accept, Detail: "served at [::1]:8080"},
			{ID: "b", Verdict: attackrun.Vulnerable, Expect: attackrun.Reject},
			{ID: "c", Verdict: attackrun.Pass, Expect: attackrun.Reject}}})
	if a.Client != "craudit manifest-client --x" || a.Scenarios[0].Detail != "served at [::1]:PORT" || a.Scenarios[1].Expect != "reject" {
		t.Errorf("attack view %+v", a)
	}
	if len(a.Verdicts) != 2 || a.Verdicts[0] != (NameCount{Name: "pass", Count: 2}) {
		t.Errorf("verdict counts %+v", a.Verdicts)
	}
}

// FuzzLiveViews: whatever the formats accept, the views print without
// loopback ports (reports must be the same from run to run).
func FuzzLiveViews(f *testing.F) {
	f.Add([]byte(`{"schema":"` + transcript.Schema + `","profile":"tuf","verdict":"failed","repository":"https://127.0.0.1:1/x",` +
		`"steps":[{"id":"a","control":"transport","verdict":"fail","detail":"localhost:99"}],"failure":{"step":"a","reason":"[::1]:5"}}`))
	f.Add([]byte(`{"schema":"` + attackrun.Schema + `","profile":"manifest","client":"/a/b 127.0.0.1:9 c","scenarios":[{"id":"x","expect":"accept","verdict":"pass","detail":"localhost:1"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if runs, err := transcript.Parse(b); err == nil {
			for _, r := range runs {
				v := transcriptView(r)
				texts := []string{v.Repository, v.Failure}
				for _, s := range v.Steps {
					texts = append(texts, s.Detail)
				}
				for _, s := range texts {
					if loopbackPort.MatchString(s) {
						t.Fatalf("a loopback port survived: %q", s)
					}
				}
			}
		}
		if runs, err := attackrun.Parse(b); err == nil {
			for _, r := range runs {
				a := attackView(r)
				for _, s := range append([]string{a.Client}, func() (ds []string) {
					for _, sc := range a.Scenarios {
						ds = append(ds, sc.Detail)
					}
					return
				}()...) {
					if loopbackPort.MatchString(s) {
						t.Fatalf("a loopback port survived: %q", s)
					}
				}
			}
		}
	})
}

// TestLiveViewsBinding: the views say where a transcript's repository was
// reached and which updater was attacked, without what changes per run
// (ports, staging folders), and carry the self-test mark.
func TestLiveViewsBinding(t *testing.T) {
	r := &transcript.Run{Schema: transcript.Schema, Profile: transcript.ProfileManifest, Repository: "https://updates.example/st",
		Contacted: &transcript.Endpoint{Address: "127.0.0.1:40123", Resolve: "updates.example:443:127.0.0.1:40123", TLSLeafSHA256: "ab"}}
	if v := transcriptView(r); v.Contacted != "127.0.0.1:PORT (updates.example reached with --resolve)" {
		t.Errorf("contacted %q", v.Contacted)
	}
	a := attackView(&attackrun.Run{Profile: attackrun.ProfileManifest, Client: "sh '/tmp/.demo.tmp-123/release/updater.sh' --verbose",
		Updater: &attackrun.Updater{Name: "updater.sh", Path: "/tmp/.demo.tmp-123/release/updater.sh", SHA256: "cd",
			Configs: []attackrun.File{{Path: "/etc/updater.conf", SHA256: "ef"}}}, SelfTest: true})
	if a.Client != "sh updater.sh --verbose" || a.Updater != "updater.sh, SHA-256 cd; config updater.conf, SHA-256 ef" || !a.SelfTest {
		t.Errorf("attack view %+v", a)
	}
}
