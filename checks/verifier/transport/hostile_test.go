package transport_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/checks/verifier/transport"
)

// TestHostileHeaders: a server answering with one huge header, or dripping
// header lines forever, makes Get fail (no data) instead of filling memory
// or hanging: headers are capped at 64 KiB and the run has a deadline.
func TestHostileHeaders(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/huge":
			w.Header().Set("X-Filler", strings.Repeat("a", 4<<20))
			w.Write([]byte("body"))
		case "/drip":
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			drip(buf, stop)
		}
	}))
	defer hs.Close()
	for _, path := range []string{"/huge", "/drip"} {
		t.Run(path, func(t *testing.T) {
			c, err := transport.New(context.Background(), transport.Options{AllowInsecureHTTPUnsafe: true, Timeout: 3 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			data, err := c.Get(hs.URL+path, "test", 1<<20)
			if err == nil || data != nil {
				t.Fatalf("got %d bytes, err %v; want a failure and no data", len(data), err)
			}
			reqs := c.Requests()
			if len(reqs) != 1 || reqs[0].Kind == "" {
				t.Fatalf("request not recorded as a classified failure: %+v", reqs)
			}
		})
	}
}

// drip writes a status line, then small header lines until stopped.
func drip(w *bufio.ReadWriter, stop <-chan struct{}) {
	w.WriteString("HTTP/1.1 200 OK\r\n")
	for {
		select {
		case <-stop:
			return
		case <-time.After(20 * time.Millisecond):
		}
		if _, err := w.WriteString("X-Drip: a\r\n"); err != nil {
			return
		}
		if err := w.Flush(); err != nil {
			return
		}
	}
}
