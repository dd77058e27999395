package store

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/craudit/craudit/evidence/fleet"
	"github.com/craudit/craudit/evidence/fleet/store/storetest"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/evidence/unitsupport"
)

// benchKeys: the generated fleet signs with benchKeys distinct Ed25519
// keys (unit i uses key i mod benchKeys): verification costs the same as
// with one key per unit, generation far less.
const benchKeys = 1000

func benchKey(i int) ed25519.PrivateKey {
	s := sha256.Sum256([]byte("craudit-fleet-bench/" + strconv.Itoa(i%benchKeys)))
	return ed25519.NewKeyFromSeed(s[:])
}

func benchUnit(i int) string { return fmt.Sprintf("TH-%08d", i) }

// benchReport is unit i's report: most units on 1.0.1, some failures,
// rollbacks and refused attacks, two campaigns.
func benchReport(i int) fleet.Report {
	r := fleet.Report{Unit: benchUnit(i), Hardware: "st100", Version: "1.0.1", Target: "1.0.1", Outcome: fleet.OutcomeSuccess,
		Counter: 1, Time: benchRef.Add(-time.Duration(i%72) * time.Hour), Campaign: "c-2026-11",
		Artefacts: []fleet.Artefact{{Name: "firmware-1.0.1.tar", Length: 10240, SHA256: strings.Repeat("5e", 32)}}}
	switch {
	case i%50 == 1:
		r.Outcome, r.Version, r.Control = fleet.OutcomeFailure, "1.0.0", "integrity"
	case i%100 == 2:
		r.Outcome, r.Version, r.Control = fleet.OutcomeRollback, "1.0.0", "boot-check"
	case i%1000 == 3:
		r.Outcome, r.Version, r.Target, r.Control = fleet.OutcomeRefusedAttack, "1.0.0", "0.9.0", "rollback"
	}
	if i%2 == 0 {
		r.Campaign = "c-2026-12"
	}
	if r.Outcome != fleet.OutcomeSuccess {
		r.Artefacts = nil
	}
	return r
}

var benchRef = time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)

// genReports writes n signed reports back to back into one file (kept in
// the temporary folder as a cache: the same n gives the same bytes).
func genReports(tb testing.TB, n int) string {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("craudit-fleet-bench-%d.reports", n))
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		return path
	}
	keys := make([]ed25519.PrivateKey, benchKeys)
	for i := range keys {
		keys[i] = benchKey(i)
	}
	workers := runtime.GOMAXPROCS(0)
	const chunk = 10000
	type part struct {
		i int
		b []byte
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	parts := make(chan part, workers)
	next := make(chan int)
	go func() {
		for lo := 0; lo < n; lo += chunk {
			next <- lo
		}
		close(next)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for lo := range next {
				var b []byte
				for i := lo; i < min(lo+chunk, n); i++ {
					r := benchReport(i)
					raw, err := r.Sign(keys[i%benchKeys])
					if err != nil {
						panic(err)
					}
					b = append(b, raw...)
				}
				parts <- part{lo, b}
			}
		})
	}
	go func() { wg.Wait(); close(parts) }()
	pending := map[int][]byte{}
	want := 0
	for p := range parts {
		pending[p.i] = p.b
		for b, ok := pending[want]; ok; b, ok = pending[want] {
			w.Write(b)
			delete(pending, want)
			want += chunk
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	if err := os.Rename(tmp, path); err != nil {
		tb.Fatal(err)
	}
	return path
}

func benchRegistry(tb testing.TB, n int) (*fleet.Registry, *unitsupport.Records) {
	devs := make([]fleet.Device, n)
	pubs := make([]string, benchKeys)
	for i := range pubs {
		pubs[i] = fleet.EncodeEd25519(benchKey(i).Public().(ed25519.PublicKey))
	}
	var csv strings.Builder
	csv.WriteString("unit,placed_on_market,batch\n")
	for i := range devs {
		batch := "B2024"
		if i%2 == 0 {
			batch = "B2026"
		}
		devs[i] = fleet.Device{Unit: benchUnit(i), Hardware: "st100", Batch: batch, PublicKey: pubs[i%benchKeys]}
		if i%200 != 7 { // 0.5% without a placed-on-market record
			d := time.Date(2019+i%8, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
			fmt.Fprintf(&csv, "%s,%s,%s\n", devs[i].Unit, d.Format(time.DateOnly), batch)
		}
	}
	reg, err := fleet.NewRegistry("bench", devs)
	if err != nil {
		tb.Fatal(err)
	}
	pom, err := unitsupport.ParseCSV("bench.csv", []byte(csv.String()))
	if err != nil {
		tb.Fatal(err)
	}
	return reg, pom
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func maxRSSMiB() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Maxrss) / 1024
}

func uptime() string {
	out, err := exec.Command("uptime").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

// BenchmarkFleetIngest ingests FLEET_BENCH_N (default 20,000) generated
// signed reports of as many units into PostgreSQL (parse, Ed25519
// verification, replay check, COPY), loads the same rows with COPY and no
// verification into another database, and computes the fleet status. With
// FLEET_BENCH_EXPLAIN=FILE it writes the status queries' plans there.
// Memory is the process's peak RSS (the server is another process).
func BenchmarkFleetIngest(b *testing.B) {
	n := 20000
	if v := os.Getenv("FLEET_BENCH_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			b.Fatalf("FLEET_BENCH_N=%q", v)
		}
	}
	ctx := context.Background()
	url := storetest.Postgres(b)
	path := genReports(b, n)
	reg, pom := benchRegistry(b, n)
	db, err := Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.SyncDevices(ctx, reg, pom); err != nil {
		b.Fatal(err)
	}
	b.Logf("load before ingest: %s", uptime())
	b.ResetTimer()
	cpu0, t0 := cpuSeconds(), time.Now()
	var readErr error
	res, err := db.Ingest(ctx, FileInputs([]string{path}, &readErr), IngestOptions{Registry: reg, At: benchRef, Now: benchRef})
	if err == nil {
		err = readErr
	}
	if err != nil {
		b.Fatal(err)
	}
	ingest, ingestCPU := time.Since(t0), cpuSeconds()-cpu0
	b.StopTimer()
	if res.Accepted != n {
		b.Fatalf("accepted %d of %d: %+v", res.Accepted, n, res.Rejected)
	}
	b.Logf("ingest of %d reports: %.1f s wall, %.1f s CPU (this process; the server's is not counted), %.0f reports/s, %.0f reports per CPU-second; load after: %s",
		n, ingest.Seconds(), ingestCPU, float64(n)/ingest.Seconds(), float64(n)/ingestCPU, uptime())

	// The same rows with COPY, no verification, into a fresh database.
	url2 := storetest.Postgres(b)
	db2, err := Open(ctx, url2)
	if err != nil {
		b.Fatal(err)
	}
	defer db2.Close()
	rows := make([][]any, 0, 10000)
	t1 := time.Now()
	err = db2.pgx(ctx, func(c *pgx.Conn) error {
		flush := func() error {
			_, err := c.CopyFrom(ctx, pgx.Identifier{"reports"}, reportColumns, pgx.CopyFromRows(rows))
			rows = rows[:0]
			return err
		}
		var digest [32]byte
		for i := range n {
			r := benchReport(i)
			binary.BigEndian.PutUint64(digest[:], uint64(i))
			rw := &row{r: r, kind: KindCraudit, digest: fmt.Sprintf("%x", digest), source: path}
			rows = append(rows, rw.values())
			if len(rows) == cap(rows) {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return flush()
	})
	if err != nil {
		b.Fatal(err)
	}
	cp := time.Since(t1)
	b.Logf("COPY of the same %d rows without verification: %.1f s, %.0f rows/s; ingest/COPY time ratio %.1f; load: %s",
		n, cp.Seconds(), float64(n)/cp.Seconds(), ingest.Seconds()/cp.Seconds(), uptime())

	sp := &product.SupportPeriod{Years: 5}
	t2 := time.Now()
	st, err := db.Status(ctx, StatusOptions{At: benchRef, SilentDays: 2, Product: "st100", Support: sp,
		Releases: []unitsupport.Release{{Product: "st100", Version: "1.0.1", VulnsKnown: true, Open: []unitsupport.Vulnerability{{ID: "CVE-2026-0001"}}}}})
	if err != nil {
		b.Fatal(err)
	}
	stTime := time.Since(t2)
	b.Logf("fleet status over %d units: %.2f s (%d past support, %d silent, %d unknown start); load: %s",
		st.Units, stTime.Seconds(), len(st.Support.PastSupport), len(st.SilentUnits), len(st.Support.UnknownStart), uptime())
	b.Logf("peak RSS of the benchmark process: %.0f MiB", maxRSSMiB())
	b.ReportMetric(float64(n)/ingest.Seconds(), "reports/s")
	b.ReportMetric(float64(n)/ingestCPU, "reports/cpu-s")
	b.ReportMetric(ingest.Seconds()/cp.Seconds(), "ingest/copy")
	b.ReportMetric(stTime.Seconds(), "status-s")
	b.ReportMetric(maxRSSMiB(), "peak-MiB")
	if out := os.Getenv("FLEET_BENCH_EXPLAIN"); out != "" {
		explain(b, db, out, n)
	}
}

func explain(b *testing.B, db *DB, out string, n int) {
	ctx := context.Background()
	var sb strings.Builder
	fmt.Fprintf(&sb, "-- EXPLAIN (ANALYZE, BUFFERS) of the fleet status queries on %d units and %d reports, PostgreSQL (storetest)\n", n, n)
	cutoff := benchRef.AddDate(0, 0, -2).Unix()
	for _, q := range []struct {
		name, sql string
		args      []any
	}{
		{"registered units by batch (Units, and the count support is judged over)", qDeviceCounts, nil},
		{"units per release (summary kept at ingest; Reporting is their sum)", qUnitsPerRelease, nil},
		{"attempts per release and campaign (summary kept at ingest)", qAttempts, nil},
		{"silent units with an accepted report", db.q(qSilent), []any{cutoff}},
		{"units without a start and past support (5 years, no batch end dates)", db.q(qSupportLists + `placed_on_market <= ?))`), []any{benchRef.AddDate(-5, 0, 0).Format(time.DateOnly)}},
		{"units without a start (when support ends are not judged)", qUnknownStart, nil},
		{"never-reporting units (kept at ingest)", qNeverReported, nil},
		{"rejections", qRejections, nil},
	} {
		rs, err := db.SQL.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+q.sql, q.args...)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(&sb, "\n-- %s\n-- %s\n", q.name, strings.ReplaceAll(q.sql, "\n", " "))
		for rs.Next() {
			var line string
			rs.Scan(&line)
			sb.WriteString(line + "\n")
		}
		rs.Close()
	}
	if err := os.WriteFile(out, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
}

// TestBenchInputIngests: the benchmark's generated reports and registry are
// valid, so BenchmarkFleetIngest measures the verification of good reports,
// not the rejection of broken ones: a small set ingests into SQLite with
// every report accepted.
func TestBenchInputIngests(t *testing.T) {
	const n = 200
	ctx := context.Background()
	path := genReports(t, n)
	reg, pom := benchRegistry(t, n)
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "fleet.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SyncDevices(ctx, reg, pom); err != nil {
		t.Fatal(err)
	}
	var readErr error
	res, err := db.Ingest(ctx, FileInputs([]string{path}, &readErr), IngestOptions{Registry: reg, At: benchRef, Now: benchRef})
	if err == nil {
		err = readErr
	}
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted != n {
		t.Fatalf("accepted %d of %d generated reports: %+v", res.Accepted, n, res.Rejected)
	}
}
