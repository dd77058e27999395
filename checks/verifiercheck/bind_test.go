package verifiercheck_test

import (
	"strings"
	"testing"

	"github.com/craudit/craudit/checks"
	"github.com/craudit/craudit/checks/verifiercheck"
	"github.com/craudit/craudit/evidence/keys"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/evidence/transcript"
)

var controls = []string{"verifier/transport", "verifier/signature", "verifier/freshness", "verifier/rollback", "verifier/integrity"}

func TestAuthenticityAndBinding(t *testing.T) {
	at := func(url string) *transcript.Run {
		r := newRun(transcript.ProfileTUF, goodTUF...)
		r.Repository = url
		r.Contacted = &transcript.Endpoint{Address: "127.0.0.1:4443", TLSLeafSHA256: strings.Repeat("1f", 32)}
		return r
	}
	sign := func(k *keys.PrivateKey, r ...*transcript.Run) []byte {
		b, err := transcript.Sign(transcript.NewSet(r...).JSON(), k, nil)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	stranger, _ := keys.Generate(keys.ECDSAP256)
	declared := "https://updates.thermo-demo.example/st100"
	noRepo := testProduct()
	noRepo.Updates.RepositoryURL = ""
	for _, tc := range []struct {
		name    string
		doc     []byte
		p       *product.Product
		want    map[string]checks.Status
		msg     string // in every control check's message
		allPass bool
	}{
		{name: "unsigned", doc: at(declared).JSON(), p: testProduct(declared),
			want: map[string]checks.Status{"verifier/signed-evidence": checks.Fail, "verifier/product-repository": checks.Fail}, msg: "unsigned live evidence"},
		{name: "unknown signer", doc: sign(stranger, at(declared)), p: testProduct(declared),
			want: map[string]checks.Status{"verifier/signed-evidence": checks.Fail}, msg: "nor a key it certifies"},
		{name: "another repository", doc: sign(root, at("https://mirror.example/st100")), p: testProduct(declared),
			want: map[string]checks.Status{"verifier/signed-evidence": checks.Pass, "verifier/product-repository": checks.Fail}, msg: "the tuf run measured https://mirror.example/st100"},
		{name: "a loopback copy", doc: sign(root, at("https://127.0.0.1:39999")), p: testProduct(declared),
			want: map[string]checks.Status{"verifier/product-repository": checks.Fail}, msg: "https://127.0.0.1:PORT; product.yaml declares https://127.0.0.1:1, " + declared},
		{name: "no repository declared", doc: sign(root, at(declared)), p: noRepo,
			want: map[string]checks.Status{"verifier/product-repository": checks.Fail}, msg: "declares no update repository"},
		{name: "declared, spelled differently", doc: sign(root, at("HTTPS://Updates.Thermo-Demo.example:443/st100/")), p: testProduct(declared),
			want: map[string]checks.Status{"verifier/product-repository": checks.Pass, "verifier/signed-evidence": checks.Pass}, allPass: true},
		{name: "one run declared, one not", doc: sign(root, at(declared), at("https://mirror.example/st100")), p: testProduct(declared),
			want: map[string]checks.Status{"verifier/product-repository": checks.Pass}, msg: "not counted (not a declared repository): the tuf run measured https://mirror.example/st100", allPass: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := runIn(&checks.Input{Live: map[string][]byte{verifiercheck.TranscriptPath: tc.doc}, Policy: checks.DefaultPolicy(), Root: root.Public(), Product: tc.p})
			for id, want := range tc.want {
				if got[id].Status != want {
					t.Errorf("%s: %s (%s), want %s", id, got[id].Status, got[id].Message, want)
				}
			}
			for _, id := range controls {
				o := got[id]
				if (o.Status == checks.Pass) != tc.allPass || !strings.Contains(o.Message, tc.msg) {
					t.Errorf("%s: %s %q, want pass=%v and %q", id, o.Status, o.Message, tc.allPass, tc.msg)
				}
			}
		})
	}
}

func TestDisplay(t *testing.T) {
	for in, want := range map[string]string{
		"https://127.0.0.1:39123/repo":    "https://127.0.0.1:PORT/repo",
		"https://[::1]:8443":              "https://[::1]:PORT",
		"https://localhost:8443/x":        "https://localhost:PORT/x",
		"https://updates.example:8443/st": "https://updates.example:8443/st",
	} {
		if got := verifiercheck.Display(in); got != want {
			t.Errorf("Display(%q) = %q, want %q", in, got, want)
		}
	}
}
