package transport

import (
	"net"
	"testing"
)

func TestParseRule(t *testing.T) {
	tests := []struct {
		in, host, port, addr string
	}{
		{"Updates.Example.:443:127.0.0.1", "updates.example", "443", "127.0.0.1:443"},
		{"updates.example:443:127.0.0.1:8443", "updates.example", "443", "127.0.0.1:8443"},
		{"updates.example:8443:::1", "updates.example", "8443", "[::1]:8443"},
		{"updates.example:443:[::1]:9000", "updates.example", "443", "[::1]:9000"},
		{"updates.example:443:[::1]", "updates.example", "443", "[::1]:443"},
	}
	for _, tc := range tests {
		r, err := ParseRule(tc.in)
		if err != nil || r.Host != tc.host || r.Port != tc.port || r.Addr != tc.addr || r.Text != tc.in {
			t.Errorf("%q: %+v %v", tc.in, r, err)
		}
	}
	if _, err := ParseRules([]string{"a:443:127.0.0.1", "A:443:127.0.0.2"}); err == nil {
		t.Error("two rules for one host:port accepted")
	}
}

// FuzzParseRule: any string either fails or yields a rule whose address is
// an IP and a valid port.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{"h:443:127.0.0.1", "h:443:[::1]:80", "h:1:::1", ":::", "h:443:[", "h:0443:1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRule(s)
		if err != nil {
			return
		}
		h, p, err := net.SplitHostPort(r.Addr)
		if err != nil || net.ParseIP(h) == nil || !validPort(p) || !validPort(r.Port) || r.Host == "" {
			t.Fatalf("%q gave %+v", s, r)
		}
	})
}
