package transport

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/craudit/craudit/evidence/atomicfs"
	"github.com/craudit/craudit/evidence/transcript"
)

// Defaults for a hostile-server-safe client.
const (
	DefaultTimeout      = 2 * time.Minute
	DefaultMinRate      = 1024 // bytes per second, judged after the grace period
	DefaultRateGrace    = 5 * time.Second
	DefaultMaxRedirects = 3
	DefaultHeaderWait   = 30 * time.Second
)

// Options configure a Client.
type Options struct {
	// CAFile is a PEM bundle of the CAs the server's chain must lead to; empty
	// means the system roots.
	CAFile string
	// AllowInsecureHTTPUnsafe lets plain http:// URLs through. The transcript
	// still records the transport control as failed.
	AllowInsecureHTTPUnsafe bool
	// Timeout bounds the whole run (all requests together); zero is DefaultTimeout.
	Timeout time.Duration
	// MinRate (bytes/s) and RateGrace detect slow retrieval: after RateGrace,
	// a transfer averaging fewer than MinRate bytes per second is aborted.
	MinRate   int64
	RateGrace time.Duration
	// MaxRedirects bounds redirects per request; zero is DefaultMaxRedirects.
	MaxRedirects int
	// Now is the clock for TLS certificate validity (transport is live: the
	// wall clock), injectable for tests.
	Now func() time.Time
	// Resolve rules (curl's --resolve, see Rule) move where a host is
	// dialled; the name in the URL is still the one TLS checks.
	Resolve []string
}

// Error is a failed fetch, classified.
type Error struct {
	Kind       transcript.ErrorKind
	URL        string
	StatusCode int
	Err        error
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s: %v", e.URL, e.Kind, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// Client fetches files with limits and records every request.
type Client struct {
	o        Options
	hc       *http.Client
	ctx      context.Context
	cancel   context.CancelFunc
	mu       sync.Mutex
	requests []transcript.Request
	// TLSVersions seen, for the transport summary.
	tlsSeen map[string]bool
	// rules by lower-case host:port; endpoints: where each host:port was
	// really reached.
	rules     map[string]Rule
	endpoints map[string]*transcript.Endpoint
}

// New makes a client whose deadline starts now. Close releases it.
func New(ctx context.Context, o Options) (*Client, error) {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MinRate <= 0 {
		o.MinRate = DefaultMinRate
	}
	if o.RateGrace <= 0 {
		o.RateGrace = DefaultRateGrace
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.Now != nil {
		tc.Time = o.Now
	}
	if o.CAFile != "" {
		pem, err := readSmall(o.CAFile, 1<<20)
		if err != nil {
			return nil, fmt.Errorf("CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s: no PEM certificate found", o.CAFile)
		}
		tc.RootCAs = pool
	}
	rules, err := ParseRules(o.Resolve)
	if err != nil {
		return nil, err
	}
	c := &Client{o: o, tlsSeen: map[string]bool{}, rules: rules, endpoints: map[string]*transcript.Endpoint{}}
	tr := &http.Transport{
		Proxy:                  nil, // a device talks to its repository directly
		DialContext:            c.dial(&net.Dialer{Timeout: 15 * time.Second}),
		TLSClientConfig:        tc,
		TLSHandshakeTimeout:    15 * time.Second,
		ResponseHeaderTimeout:  DefaultHeaderWait,
		MaxResponseHeaderBytes: 64 << 10,
		DisableCompression:     true, // sizes are judged on the wire bytes
		ForceAttemptHTTP2:      true,
	}
	c.ctx, c.cancel = context.WithTimeout(ctx, o.Timeout)
	c.hc = &http.Client{Transport: tr, CheckRedirect: c.checkRedirect}
	return c, nil
}

// Close releases the client's resources.
func (c *Client) Close() {
	c.cancel()
	c.hc.CloseIdleConnections()
}

type redirectKey struct{}

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if rec, ok := req.Context().Value(redirectKey{}).(*[]string); ok {
		*rec = append(*rec, req.URL.String())
	}
	if len(via) > c.o.MaxRedirects {
		return &Error{Kind: transcript.KindRedirect, URL: req.URL.String(), Err: fmt.Errorf("more than %d redirects", c.o.MaxRedirects)}
	}
	if req.URL.Scheme != "https" && (via[0].URL.Scheme == "https" || !c.o.AllowInsecureHTTPUnsafe) {
		return &Error{Kind: transcript.KindRedirect, URL: req.URL.String(), Err: errors.New("redirect away from https refused")}
	}
	return nil
}

// Requests returns a copy of the requests made so far.
func (c *Client) Requests() []transcript.Request {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]transcript.Request(nil), c.requests...)
}

// TLSVersions lists the TLS versions negotiated so far.
func (c *Client) TLSVersions() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for v := range c.tlsSeen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// CheckURL judges a repository URL before anything is fetched.
func (c *Client) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return &Error{Kind: transcript.KindOther, URL: raw, Err: err}
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if c.o.AllowInsecureHTTPUnsafe {
			return nil
		}
		return &Error{Kind: transcript.KindInsecureScheme, URL: raw, Err: errors.New("plain http refused (use https, or --allow-insecure-http to judge it anyway)")}
	}
	return &Error{Kind: transcript.KindOther, URL: raw, Err: fmt.Errorf("unsupported scheme %q", u.Scheme)}
}

// Get downloads at most limit bytes from rawURL. A body longer than limit is
// an error, never truncated data.
func (c *Client) Get(rawURL, purpose string, limit int64) ([]byte, error) {
	start := time.Now()
	rec := transcript.Request{URL: rawURL, Purpose: purpose, Limit: limit, Started: start.UTC().Format(time.RFC3339Nano)}
	data, err := c.get(rawURL, limit, &rec)
	rec.DurationMS = time.Since(start).Milliseconds()
	rec.Bytes = int64(len(data))
	if err != nil {
		var te *Error
		if !errors.As(err, &te) {
			te = &Error{Kind: transcript.KindOther, URL: rawURL, Err: err}
			err = te
		}
		rec.Error = te.Err.Error()
		rec.Kind = te.Kind
		data = nil
	} else {
		h := sha256.Sum256(data)
		rec.SHA256 = hex.EncodeToString(h[:])
	}
	c.mu.Lock()
	c.requests = append(c.requests, rec)
	c.mu.Unlock()
	return data, err
}

func (c *Client) get(rawURL string, limit int64, rec *transcript.Request) ([]byte, error) {
	if err := c.CheckURL(rawURL); err != nil {
		return nil, err
	}
	if err := c.ctx.Err(); err != nil {
		return nil, &Error{Kind: transcript.KindTimeout, URL: rawURL, Err: errors.New("overall deadline passed")}
	}
	ctx, cancel := context.WithCancelCause(context.WithValue(c.ctx, redirectKey{}, &rec.Redirects))
	defer cancel(nil)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, &Error{Kind: transcript.KindOther, URL: rawURL, Err: err}
	}
	var got atomic.Int64
	done := make(chan struct{})
	defer close(done)
	go c.watchRate(ctx, cancel, &got, done)
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.classify(rawURL, ctx, err)
	}
	defer resp.Body.Close()
	rec.Status = resp.StatusCode
	c.noteLeaf(resp.Request.URL, resp.TLS)
	if resp.TLS != nil {
		v := tls.VersionName(resp.TLS.Version)
		rec.TLSVersion = v
		c.mu.Lock()
		c.tlsSeen[v] = true
		c.mu.Unlock()
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil, &Error{Kind: transcript.KindNotFound, URL: rawURL, StatusCode: resp.StatusCode, Err: errors.New("404 not found")}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &Error{Kind: transcript.KindHTTPStatus, URL: rawURL, StatusCode: resp.StatusCode, Err: fmt.Errorf("HTTP status %d", resp.StatusCode)}
	}
	if resp.ContentLength > limit {
		return nil, &Error{Kind: transcript.KindTooLarge, URL: rawURL, Err: fmt.Errorf("server announces %d bytes, limit %d", resp.ContentLength, limit)}
	}
	// The body is read into one buffer of the announced length, so a
	// 10,000-target metadata file is not copied through ever larger
	// buffers. What the server announces is trusted only up to
	// announceCap: beyond that the buffer grows with the bytes that
	// really arrive.
	size := int64(64 << 10)
	if resp.ContentLength >= 0 {
		size = min(resp.ContentLength, announceCap)
	}
	buf, err := atomicfs.ReadAll(countingReader{io.LimitReader(resp.Body, limit+1), &got}, min(size, limit))
	if err != nil {
		return nil, c.classify(rawURL, ctx, err)
	}
	if int64(len(buf)) > limit {
		return nil, &Error{Kind: transcript.KindTooLarge, URL: rawURL, Err: fmt.Errorf("body exceeds the limit of %d bytes", limit)}
	}
	return buf, nil
}

// countingReader adds what it reads to n (the slow-retrieval watch reads it).
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// announceCap bounds the buffer a Content-Length alone makes the client
// allocate before the bytes arrive.
const announceCap = 16 << 20

var errSlow = errors.New("slow retrieval")

// watchRate cancels the request when its average rate falls below MinRate
// after the grace period: a server dripping bytes must not hold the client.
func (c *Client) watchRate(ctx context.Context, cancel context.CancelCauseFunc, got *atomic.Int64, done chan struct{}) {
	start := time.Now()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-tick.C:
			el := time.Since(start)
			if el < c.o.RateGrace {
				continue
			}
			if float64(got.Load()) < float64(c.o.MinRate)*el.Seconds() {
				cancel(errSlow)
				return
			}
		}
	}
}

func (c *Client) classify(rawURL string, ctx context.Context, err error) error {
	var te *Error
	if errors.As(err, &te) {
		return te
	}
	if errors.Is(context.Cause(ctx), errSlow) {
		return &Error{Kind: transcript.KindSlow, URL: rawURL, Err: fmt.Errorf("transfer slower than %d bytes/s after %s", c.o.MinRate, c.o.RateGrace)}
	}
	if c.ctx.Err() != nil {
		return &Error{Kind: transcript.KindTimeout, URL: rawURL, Err: fmt.Errorf("overall deadline of %s passed", c.o.Timeout)}
	}
	var ce *tls.CertificateVerificationError
	var he x509.HostnameError
	var ue x509.UnknownAuthorityError
	var ie x509.CertificateInvalidError
	var rh tls.RecordHeaderError
	var ae tls.AlertError
	switch {
	case errors.As(err, &ce), errors.As(err, &he), errors.As(err, &ue), errors.As(err, &ie), errors.As(err, &rh), errors.As(err, &ae):
		return &Error{Kind: transcript.KindTLS, URL: rawURL, Err: err}
	}
	// Handshake alerts (protocol version, bad certificate) have no exported type.
	if strings.Contains(err.Error(), "tls: ") {
		return &Error{Kind: transcript.KindTLS, URL: rawURL, Err: err}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &Error{Kind: transcript.KindTimeout, URL: rawURL, Err: err}
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return &Error{Kind: transcript.KindUnreachable, URL: rawURL, Err: err}
	}
	var dnse *net.DNSError
	if errors.As(err, &dnse) {
		return &Error{Kind: transcript.KindUnreachable, URL: rawURL, Err: err}
	}
	return &Error{Kind: transcript.KindOther, URL: rawURL, Err: err}
}

func readSmall(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return b, nil
}
