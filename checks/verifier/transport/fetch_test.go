package transport_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/craudit/craudit/checks/verifier/transport"

	"github.com/craudit/craudit/evidence/transcript"
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
		kind  transcript.ErrorKind
	}{
		{"/f", 100, ""},
		{"/f", 99, transcript.KindTooLarge},
		{"/nolength", 100, ""},
		{"/nolength", 99, transcript.KindTooLarge},
		{"/missing", 100, transcript.KindNotFound},
		{"/teapot", 100, transcript.KindHTTPStatus},
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
	if len(reqs) != len(tests) || reqs[0].SHA256 == "" || reqs[1].Kind != transcript.KindTooLarge {
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
	if _, err := c.Get("http://127.0.0.1:1/x", "test", 10); !errors.As(err, &te) || te.Kind != transcript.KindInsecureScheme {
		t.Fatalf("err %v", err)
	}
	if err := c.CheckURL("ftp://example.org/"); err == nil {
		t.Fatal("ftp accepted")
	}
}
