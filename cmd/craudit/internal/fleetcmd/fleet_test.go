package fleetcmd

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/craudit/craudit/cmd/craudit/internal/cli"
	"github.com/craudit/craudit/evidence/fleet"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	root := &cobra.Command{Use: "craudit", SilenceUsage: true, SilenceErrors: true}
	root.AddCommand(New())
	var out, errb bytes.Buffer
	code := cli.Execute(context.Background(), root, append([]string{"fleet"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestIngestAndStatus(t *testing.T) {
	dir := t.TempDir()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	reg := filepath.Join(dir, "devices.csv")
	os.WriteFile(reg, []byte("unit,hardware,batch,public_key\nTH-1,st100,b1,"+fleet.EncodeEd25519(key.Public().(ed25519.PublicKey))+"\n"), 0o644)
	pom := filepath.Join(dir, "pom.csv")
	os.WriteFile(pom, []byte("unit,placed_on_market,batch\nTH-1,2019-01-01,b1\n"), 0o644)
	reports := filepath.Join(dir, "reports")
	r := fleet.Report{Unit: "TH-1", Hardware: "st100", Version: "1.0.1", Target: "1.0.1", Outcome: fleet.OutcomeSuccess,
		Counter: 1, Time: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	p, err := fleet.WriteReport(reports, &r, key)
	if err != nil {
		t.Fatal(err)
	}
	db := "sqlite:" + filepath.Join(dir, "fleet.db")
	code, _, stderr := run(t, "ingest", "--db", db, "--devices", reg, "--placed-on-market", pom, reports)
	if code != 0 || !strings.Contains(stderr, "1 reports: 1 accepted, 0 rejected") {
		t.Fatalf("first ingest: exit %d\n%s", code, stderr)
	}
	// The same file again: a replay, exit 1, said so.
	code, out, stderr := run(t, "ingest", "--db", db, "--devices", reg, "--format", "json", p)
	if code != 1 || !strings.Contains(stderr, "replay") || !strings.Contains(out, `"replay": 1`) {
		t.Fatalf("re-ingest: exit %d\n%s\n%s", code, out, stderr)
	}
	// A flipped byte: bad signature, exit 1.
	b, _ := os.ReadFile(p)
	b = bytes.Replace(b, []byte("counter 1"), []byte("counter 2"), 1)
	flipped := filepath.Join(dir, "flipped.report")
	os.WriteFile(flipped, b, 0o644)
	if code, _, stderr := run(t, "ingest", "--db", db, "--devices", reg, flipped); code != 1 || !strings.Contains(stderr, "bad-signature") {
		t.Fatalf("flipped: exit %d\n%s", code, stderr)
	}
	code, out, stderr = run(t, "status", "--db", db, "--format", "json", "--reference-time", "2026-12-02T00:00:00Z")
	var st fleet.Status
	if err := json.Unmarshal([]byte(out), &st); err != nil || code != 0 {
		t.Fatalf("status: exit %d %v\n%s", code, err, stderr)
	}
	if st.Schema != fleet.StatusSchema || st.Units != 1 || st.Reporting != 1 || st.Rejected.Replay != 1 || st.Rejected.BadSignature != 1 ||
		st.Support.Problem == "" || len(st.Releases) != 1 || st.Releases[0].Units != 1 {
		t.Fatalf("status %+v", st)
	}
	code, out, _ = run(t, "status", "--db", db, "--reference-time", "2026-12-02T00:00:00Z")
	if code != 0 || !strings.Contains(out, "rejected reports: 2") {
		t.Fatalf("text status: %d\n%s", code, out)
	}
}

func TestCouldNotRun(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "devices.csv")
	os.WriteFile(bad, []byte("unit,hardware,batch,public_key\nTH-1,st100,b1,ed25519:AAAA\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no db", []string{"ingest", "--devices", bad, dir}, "--db and --devices are required"},
		{"bad registry", []string{"ingest", "--db", "sqlite:" + filepath.Join(dir, "x.db"), "--devices", bad, dir}, bad + ": line 2: public_key"},
		{"bad url", []string{"status", "--db", "mysql://x"}, "want sqlite:PATH or postgres://"},
		{"bad format", []string{"status", "--db", "sqlite:x", "--format", "xml"}, "--format"},
		{"bundle without trust", []string{"status", "--db", "sqlite:x", "--bundle", dir}, "--trust"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := run(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Fatalf("exit %d, stderr %q, want %q", code, stderr, tc.want)
			}
		})
	}
}

// TestStatusTime: fleet status judges support ends and silence, so without
// --reference-time it runs at the wall clock, never at SOURCE_DATE_EPOCH
// (design, "Time"): an old epoch must not make ended support look current.
func TestStatusTime(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "fleet.db")
	t.Setenv("SOURCE_DATE_EPOCH", "86400") // 1970-01-02
	for _, tc := range []struct {
		name string
		args []string
		want func(time.Time) bool
		says string
	}{
		{"SOURCE_DATE_EPOCH ignored", nil, func(at time.Time) bool { return time.Since(at).Abs() < time.Hour }, "wall clock"},
		{"--reference-time", []string{"--reference-time", "2026-12-02T00:00:00Z"},
			func(at time.Time) bool { return at.Equal(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)) }, "--reference-time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := run(t, append([]string{"status", "--db", db, "--format", "json"}, tc.args...)...)
			var st fleet.Status
			if err := json.Unmarshal([]byte(out), &st); err != nil || code != 0 {
				t.Fatalf("exit %d %v\n%s", code, err, stderr)
			}
			if !tc.want(st.ReferenceTime) || !strings.Contains(stderr, "("+tc.says+")") {
				t.Fatalf("reference time %s, stderr %q", st.ReferenceTime, stderr)
			}
		})
	}
}
