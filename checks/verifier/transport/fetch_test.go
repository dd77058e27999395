package transport_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/craudit/craudit/checks/verifier/transport"
)

func TestGetLimits(t *testing.T) {
	body := strings.Repeat("x", 100)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/nolength":
			w.(http.Flusher).Flush() // chunked: no Content-Length to trust
			w.Write([]byte(body))
		case "/missing":
			http.NotFound(w, r)
		case "/teapot":
			w.WriteHeader(http.StatusTeapot)
		default:
			w.Write([]byte(body))
		}
	}))
	defer hs.Close()
	c, err := transport.New(context.Background(), transport.Options{AllowInsecureHTTPUnsafe: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tests := []struct {
		path  string
		limit int64
		kind  transport.Kind
	}{
		{"/f", 100, ""},
		{"/f", 99, transport.KindTooLarge},
		{"/nolength", 100, ""},
		{"/nolength", 99, transport.KindTooLarge},
		{"/missing", 100, transport.KindNotFound},
		{"/teapot", 100, transport.KindHTTPStatus},
	}
	for _, tc := range tests {
		data, err := c.Get(hs.URL+tc.path, "test", tc.limit)
		var te *transport.Error
		switch {
		case tc.kind == "" && (err != nil || string(data) != body):
			t.Errorf("%s limit %d: %v", tc.path, tc.limit, err)
		case tc.kind != "" && (!errors.As(err, &te) || te.Kind != tc.kind || data != nil):
			t.Errorf("%s limit %d: err %v, want kind %s and no data", tc.path, tc.limit, err, tc.kind)
		}
	}
	reqs := c.Requests()
	if len(reqs) != len(tests) || reqs[0].SHA256 == "" || reqs[1].Kind != transport.KindTooLarge {
		t.Fatalf("requests %+v", reqs)
	}
}

func TestInsecureSchemeRefused(t *testing.T) {
	c, err := transport.New(context.Background(), transport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var te *transport.Error
	if _, err := c.Get("http://127.0.0.1:1/x", "test", 10); !errors.As(err, &te) || te.Kind != transport.KindInsecureScheme {
		t.Fatalf("err %v", err)
	}
	if err := c.CheckURL("ftp://example.org/"); err == nil {
		t.Fatal("ftp accepted")
	}
}
