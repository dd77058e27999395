package attack

import (
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/craudit/craudit/checks/attack/plan"
	"github.com/craudit/craudit/checks/verifier/transport"
	"github.com/craudit/craudit/evidence/repo"
)

// hub serves the current state on every server of a run and lets the
// harness swap states between phases.
type hub struct {
	mu   sync.Mutex
	cur  *plan.State
	urls map[string]string // server name -> base URL
	// rules: server name -> the --resolve rule that reaches it, for servers
	// presented under a declared name.
	rules   map[string]string
	ca      string // CA the client is given (main and mirror)
	slow    time.Duration
	endless int64
	done    chan struct{}
	closers []func() error
}

func (h *hub) set(s *plan.State) {
	h.mu.Lock()
	h.cur = s
	h.mu.Unlock()
}

func (h *hub) state() *plan.State {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.cur
}

// Close stops every server; handlers still dripping or streaming end.
func (h *hub) Close() {
	close(h.done)
	for _, c := range h.closers {
		c()
	}
}

// startServers starts the servers a profile needs on loopback. TUF: plain
// HTTP, as the tuf-conformance suite serves. Manifest: HTTPS "main" and
// "mirror" under one CA (given to the client), "plain" HTTP for downgrade
// redirects, and an "impostor" HTTPS server under a CA the client lacks.
//
// With a rule, "main" and "impostor" are presented as https://HOST[:PORT]
// (certificates for HOST, each from its own CA) on the rule's loopback
// address; the client reaches them through the --resolve rule in h.rules.
func startServers(set plan.Servers, work string, slow time.Duration, endless int64, rule *transport.Rule) (*hub, error) {
	h := &hub{urls: map[string]string{}, rules: map[string]string{}, slow: slow, endless: endless, done: make(chan struct{})}
	plain := func(name string) error {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: h.handler(name), ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
		go srv.Serve(ln)
		h.urls[name] = "http://" + ln.Addr().String()
		h.closers = append(h.closers, srv.Close)
		return nil
	}
	tlsSrv := func(name, tlsDir string) error {
		addr, names := "", []string(nil)
		declared := rule != nil && (name == plan.ServerMain || name == plan.ServerImpostor)
		if declared {
			addr, names = rule.Addr, []string{rule.Host}
			if name != plan.ServerMain {
				addr = net.JoinHostPort(hostOf(rule.Addr), "0")
			} else if rule.Addr == net.JoinHostPort(hostOf(rule.Addr), rule.Port) {
				// ADDR without its own port: any free port.
				addr = net.JoinHostPort(hostOf(rule.Addr), "0")
			}
		}
		s, err := repo.ServeHandler(h.handler(name), addr, tlsDir, names...)
		if err != nil {
			return err
		}
		h.urls[name] = s.URL
		if declared {
			u := "https://" + rule.Host
			if rule.Port != "443" {
				u += ":" + rule.Port
			}
			h.urls[name] = u
			h.rules[name] = rule.Host + ":" + rule.Port + ":" + strings.TrimPrefix(s.URL, "https://")
		}
		h.closers = append(h.closers, s.Close)
		if name == plan.ServerMain {
			h.ca = s.CAPath
		}
		return nil
	}
	var err error
	if set == plan.PlainHTTP {
		err = plain(plan.ServerMain)
	} else {
		tlsDir, other := filepath.Join(work, "tls"), filepath.Join(work, "tls-impostor")
		err = errors.Join(tlsSrv(plan.ServerMain, tlsDir), tlsSrv(plan.ServerMirror, tlsDir), plain(plan.ServerPlain), tlsSrv(plan.ServerImpostor, other))
	}
	if err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

func (h *hub) handler(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := h.state()
		if st == nil || r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.NotFound(w, r)
			return
		}
		files := st.Files
		if name == plan.ServerMirror || name == plan.ServerPlain {
			files = st.Mirror
		}
		keys := []string{strings.TrimPrefix(r.URL.EscapedPath(), "/"), strings.TrimPrefix(r.URL.Path, "/")}
		if name == plan.ServerMain || name == plan.ServerImpostor {
			for _, k := range keys {
				if sp, ok := st.Special[k]; ok {
					h.misbehave(w, r, sp, files[k])
					return
				}
			}
		}
		for _, k := range keys {
			if data, ok := files[k]; ok {
				w.Header().Set("Content-Type", "application/octet-stream")
				w.Header().Set("Content-Length", strconv.Itoa(len(data)))
				w.Write(data)
				return
			}
		}
		http.NotFound(w, r)
	})
}

// misbehave answers as a hostile server does.
func (h *hub) misbehave(w http.ResponseWriter, r *http.Request, sp plan.Special, data []byte) {
	flush := func() {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	switch sp.Kind {
	case plan.Redirect:
		srv, p, _ := strings.Cut(sp.To, ":")
		http.Redirect(w, r, h.urls[srv]+p, http.StatusFound)
	case plan.Endless:
		// No Content-Length: the stream ends when the client gives up, the
		// run ends, or the size bound is reached.
		w.Header().Set("Content-Type", "application/octet-stream")
		chunk := []byte(strings.Repeat("{\"endless\":\"data\"} ", 2048))
		for sent := int64(0); sent < h.endless; sent += int64(len(chunk)) {
			select {
			case <-r.Context().Done():
				return
			case <-h.done:
				return
			default:
			}
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	case plan.Slow:
		// The genuine bytes, one per interval: a valid file that never arrives.
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		t := time.NewTicker(h.slow)
		defer t.Stop()
		for i := range data {
			if _, err := w.Write(data[i : i+1]); err != nil {
				return
			}
			flush()
			select {
			case <-r.Context().Done():
				return
			case <-h.done:
				return
			case <-t.C:
			}
		}
	default:
		http.NotFound(w, r)
	}
}
