package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Server is a running PostgreSQL server.
type Server struct {
	// URL reaches the server's postgres database over its Unix socket.
	Dir string
	cmd *exec.Cmd
	n   int
}

// binDir finds PostgreSQL's server programs (Debian's layout, newest first).
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Sort(sort.Reverse(sort.StringSlice(dirs)))
	if p, err := exec.LookPath("initdb"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	for _, d := range dirs {
		ok := true
		for _, tool := range []string{"initdb", "postgres", "pg_isready", "createdb"} {
			if _, err := os.Stat(filepath.Join(d, tool)); err != nil {
				ok = false
			}
		}
		if ok {
			return d, nil
		}
	}
	return "", errors.New("PostgreSQL server not installed (no folder with initdb, postgres, pg_isready and createdb; Debian package postgresql)")
}

// Start runs initdb in a new temporary folder and starts the server on a
// Unix socket there. Run as root, both run as the user nobody (initdb
// refuses root) through setpriv.
func Start() (*Server, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "craudit-pg")
	if err != nil {
		return nil, err
	}
	wrap := func(name string, args ...string) *exec.Cmd { return exec.Command(filepath.Join(bin, name), args...) }
	if os.Geteuid() == 0 {
		setpriv, err := exec.LookPath("setpriv")
		if err != nil {
			os.RemoveAll(dir)
			return nil, errors.New("running as root and setpriv is missing: cannot run initdb as an unprivileged user")
		}
		if err := os.Chown(dir, 65534, 65534); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		wrap = func(name string, args ...string) *exec.Cmd {
			return exec.Command(setpriv, append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", "--", filepath.Join(bin, name)}, args...)...)
		}
	}
	data := filepath.Join(dir, "data")
	init := wrap("initdb", "-D", data, "-U", "postgres", "--auth=trust", "--locale=C", "-E", "UTF8", "--no-sync")
	if out, err := init.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, lastLine(out))
	}
	var logBuf bytes.Buffer
	cmd := wrap("postgres", "-D", data, "-k", dir, "-c", "listen_addresses=", "-c", "fsync=off",
		"-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=30", "-c", "shared_buffers=128MB")
	cmd.Stdout, cmd.Stderr = &logBuf, &logBuf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("postgres: %v", err)
	}
	s := &Server{Dir: dir, cmd: cmd}
	sock := filepath.Join(dir, ".s.PGSQL.5432")
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(60 * time.Second)
	for {
		if _, err := os.Stat(sock); err == nil {
			if err := wrap("pg_isready", "-h", dir, "-U", "postgres", "-q").Run(); err == nil {
				break
			}
		}
		select {
		case err := <-done:
			os.RemoveAll(dir)
			return nil, fmt.Errorf("postgres exited: %v: %s", err, lastLine(logBuf.Bytes()))
		case <-deadline:
			s.stop(done)
			return nil, fmt.Errorf("postgres did not start in 60 s: %s", lastLine(logBuf.Bytes()))
		case <-time.After(100 * time.Millisecond):
		}
	}
	go func() { <-done }()
	return s, nil
}

func (s *Server) stop(done chan error) {
	_ = s.cmd.Process.Signal(syscall.SIGINT) // fast shutdown
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
	}
	os.RemoveAll(s.Dir)
}

// Stop shuts the server down (fast shutdown) and removes its folder.
func (s *Server) Stop() {
	if s == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	for i := 0; i < 200; i++ {
		if err := s.cmd.Process.Signal(syscall.Signal(0)); err != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = s.cmd.Process.Kill()
	os.RemoveAll(s.Dir)
}

// URL is the connection URL of a database on the server.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres:///%s?host=%s&user=postgres&sslmode=disable", db, s.Dir)
}

// NewDatabase creates a fresh database and returns its URL.
func (s *Server) NewDatabase(ctx context.Context) (string, error) {
	s.n++
	name := fmt.Sprintf("fleet%d", s.n)
	bin, _ := binDir()
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "createdb"), "-h", s.Dir, "-U", "postgres", name)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("createdb: %v: %s", err, lastLine(out))
	}
	return s.URL(name), nil
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

var (
	shared   *Server
	startErr error
)

// Main is a TestMain: it starts one server for the package's tests (when
// PostgreSQL is installed) and stops it after.
func Main(m *testing.M) {
	shared, startErr = Start()
	code := m.Run()
	shared.Stop()
	os.Exit(code)
}

// Postgres returns a fresh database on the package's server, or skips the
// test saying why there is none (fails under CI=true).
func Postgres(tb testing.TB) string {
	tb.Helper()
	if shared == nil {
		msg := "PostgreSQL: not started by storetest.Main"
		if startErr != nil {
			msg = "PostgreSQL: " + startErr.Error()
		}
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	url, err := shared.NewDatabase(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return url
}
