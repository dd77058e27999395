package transport

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/craudit/craudit/evidence/transcript"
)

// Rule moves the address a host name is dialled at, as curl's --resolve
// HOST:PORT:ADDR does: the URL, the TLS server name and the certificate's
// host-name check keep HOST; only the TCP connection goes to ADDR. A rule
// may also move the port (HOST:PORT:ADDR:PORT2, the target form of curl's
// --connect-to), so a loopback server on a free port can stand in for
// https://HOST.
type Rule struct {
	Host string // lower case
	Port string
	// Addr is the IP address (and port) dialled instead: "127.0.0.1:8443".
	Addr string
	// Text is the rule as given.
	Text string
}

// ParseRule reads HOST:PORT:ADDR or HOST:PORT:ADDR:PORT2. ADDR is an IP
// address (IPv6 in brackets when a port follows).
func ParseRule(s string) (Rule, error) {
	bad := func(why string) (Rule, error) {
		return Rule{}, fmt.Errorf("--resolve %q: %s (want HOST:PORT:ADDR or HOST:PORT:ADDR:PORT2)", s, why)
	}
	host, rest, ok := strings.Cut(s, ":")
	if !ok || host == "" {
		return bad("no host")
	}
	port, rest, ok := strings.Cut(rest, ":")
	if !ok || !validPort(port) {
		return bad("no valid port")
	}
	addr, port2 := rest, port
	switch {
	case strings.HasPrefix(rest, "["):
		end := strings.Index(rest, "]")
		if end < 0 {
			return bad("unclosed [")
		}
		addr = rest[1:end]
		if tail := rest[end+1:]; tail != "" {
			if !strings.HasPrefix(tail, ":") || !validPort(tail[1:]) {
				return bad("no valid port after the address")
			}
			port2 = tail[1:]
		}
	case strings.Count(rest, ":") == 1:
		addr, port2, _ = strings.Cut(rest, ":")
		if !validPort(port2) {
			return bad("no valid port after the address")
		}
	}
	if net.ParseIP(addr) == nil {
		return bad(fmt.Sprintf("%q is not an IP address", addr))
	}
	return Rule{Host: strings.ToLower(strings.TrimSuffix(host, ".")), Port: port, Addr: net.JoinHostPort(addr, port2), Text: s}, nil
}

func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n > 0 && n < 65536 && strconv.Itoa(n) == p
}

// ParseRules reads every rule; two rules for one HOST:PORT are an error.
func ParseRules(ss []string) (map[string]Rule, error) {
	out := map[string]Rule{}
	for _, s := range ss {
		r, err := ParseRule(s)
		if err != nil {
			return nil, err
		}
		k := net.JoinHostPort(r.Host, r.Port)
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("--resolve: two rules for %s", k)
		}
		out[k] = r
	}
	return out, nil
}

// hostPort is u's host and port, the port filled from the scheme, the host
// lower case: the key rules and endpoints are filed under.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "443"
		if u.Scheme == "http" {
			port = "80"
		}
	}
	return net.JoinHostPort(strings.ToLower(strings.TrimSuffix(u.Hostname(), ".")), port)
}

// dial applies the rules, and remembers for every host:port the first
// address really dialled.
func (c *Client) dial(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		h, p, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		key := net.JoinHostPort(strings.ToLower(strings.TrimSuffix(h, ".")), p)
		target, rule := addr, ""
		if r, ok := c.rules[key]; ok {
			target, rule = r.Addr, r.Text
		}
		conn, err := d.DialContext(ctx, network, target)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if _, seen := c.endpoints[key]; !seen {
			c.endpoints[key] = &transcript.Endpoint{Address: conn.RemoteAddr().String(), Resolve: rule}
		}
		c.mu.Unlock()
		return conn, nil
	}
}

// noteLeaf records the leaf certificate a host presented (first seen).
func (c *Client) noteLeaf(u *url.URL, cs *tls.ConnectionState) {
	if cs == nil || len(cs.PeerCertificates) == 0 {
		return
	}
	key := hostPort(u)
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.endpoints[key]
	if e == nil || e.TLSLeafSHA256 != "" {
		return
	}
	leaf := cs.PeerCertificates[0]
	sum := sha256.Sum256(leaf.Raw)
	e.TLSLeafSHA256 = hex.EncodeToString(sum[:])
	e.TLSLeafSubject = leaf.Subject.String()
	if len(leaf.DNSNames) > 0 {
		e.TLSLeafSubject += " (DNS " + strings.Join(leaf.DNSNames, ", ") + ")"
	}
}

// Contacted says where rawURL's host was really reached: the address
// dialled, the rule that moved it, the leaf certificate it presented. Nil
// when no connection to that host was made.
func (c *Client) Contacted(rawURL string) *transcript.Endpoint {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.endpoints[hostPort(u)]
	if e == nil {
		return nil
	}
	cp := *e
	return &cp
}
