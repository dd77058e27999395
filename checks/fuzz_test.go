package checks

import "testing"

// FuzzParsePolicy: policy.yaml comes with a release; no panic, alias bombs
// rejected, and an accepted policy answers every question asked of it.
func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte("required: [manifest/signature, enisa/step/5]\nfail_on: high\nmax_osv_db_age: 30d\n"))
	f.Add([]byte("waivers:\n  - id: vuln/known-exploitable#CVE-1\n    justification: j\n    approver: a\n    expires: 2026-01-01\n"))
	f.Add([]byte("allowed_builders: [https://ci.example/b]\nfail_on: none\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("fail_on: [1, 2]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePolicy(b)
		if err != nil {
			return
		}
		for _, s := range []string{"critical", "high", "medium", "low", "unknown", ""} {
			p.FailsOn(s)
		}
		p.MaxDBAge()
		p.IsRequired(Info{ID: "manifest/signature", Step: 5})
	})
}
