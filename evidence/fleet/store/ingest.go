package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/craudit/craudit/evidence/fleet"
	"github.com/craudit/craudit/evidence/unitsupport"
)

// Rejection reasons, as the rejections table stores them.
const (
	ReasonBadSignature     = "bad-signature"
	ReasonReplay           = "replay"
	ReasonUnknownDevice    = "unknown-device"
	ReasonMalformed        = "malformed"
	ReasonHardwareMismatch = "hardware-mismatch"
)

// Report kinds, as the reports table stores them.
const (
	KindCraudit = "craudit"
	KindUptane  = "uptane"
)

// Input is one report to ingest: a craudit device report (Signed), the raw
// bytes of an Uptane vehicle manifest (Uptane), or what made a file
// unreadable as a report (Err: counted as malformed).
type Input struct {
	Source string
	Signed *fleet.Signed
	Uptane []byte
	Err    error
}

// Rejection is one refused report.
type Rejection struct {
	Reason  string `json:"reason"`
	Unit    string `json:"unit,omitempty"`
	Counter uint64 `json:"counter,omitempty"`
	Source  string `json:"source"`
	Detail  string `json:"detail"`
}

// IngestOptions are the ingest's inputs besides the reports.
type IngestOptions struct {
	Registry *fleet.Registry
	// At is the reference time Uptane manifests are judged at; Now stamps
	// rejections (ingested_at).
	At, Now time.Time
	// BatchSize reports are verified in parallel and written in one
	// transaction (default 4096); Workers verify (default GOMAXPROCS).
	BatchSize, Workers int
	// KeepRejections bounds IngestResult.Rejections (default 1000); the
	// rejections table keeps them all.
	KeepRejections int
}

// IngestResult counts what an ingest did.
type IngestResult struct {
	Accepted   int              `json:"accepted"`
	Rejected   fleet.Rejections `json:"rejected"`
	Rejections []Rejection      `json:"rejections"`
}

// row is one accepted report, ready to store.
type row struct {
	r      fleet.Report
	kind   string
	digest string
	source string
}

// checked is one input after verification: a row or a rejection.
type checked struct {
	row *row
	rej *Rejection
}

// SyncDevices writes the registry (and the placed-on-market records, when
// given) into the devices table: new units added, known ones updated.
// Units are never deleted.
func (db *DB) SyncDevices(ctx context.Context, reg *fleet.Registry, pom *unitsupport.Records) error {
	devs := reg.Devices()
	if db.Kind == KindPostgres {
		return db.pgx(ctx, func(c *pgx.Conn) error { return pgSyncDevices(ctx, c, devs, pom) })
	}
	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO devices (unit, hardware, batch, public_key, placed_on_market) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (unit) DO UPDATE SET hardware = excluded.hardware, batch = excluded.batch, public_key = excluded.public_key,
placed_on_market = COALESCE(excluded.placed_on_market, devices.placed_on_market)
WHERE `+deviceChanged)
	if err != nil {
		return err
	}
	for _, d := range devs {
		batch, date := deviceBatchDate(d, pom)
		if _, err := st.ExecContext(ctx, d.Unit, d.Hardware, batch, d.PublicKey, date); err != nil {
			return fmt.Errorf("fleet store: device %s: %w", d.Unit, err)
		}
	}
	return tx.Commit()
}

// deviceChanged: rewrite only changed devices (every ingest syncs the registry).
const deviceChanged = `(devices.hardware <> excluded.hardware OR devices.batch <> excluded.batch OR devices.public_key <> excluded.public_key
OR (excluded.placed_on_market IS NOT NULL AND (devices.placed_on_market IS NULL OR devices.placed_on_market <> excluded.placed_on_market)))`

// deviceBatchDate: the registry's batch, else the placed-on-market file's;
// the date when the file has the unit (nil: unknown).
func deviceBatchDate(d *fleet.Device, pom *unitsupport.Records) (string, any) {
	batch := d.Batch
	rec, ok := pom.Lookup(d.Unit)
	if !ok {
		return batch, nil
	}
	if batch == "" {
		batch = rec.Batch
	}
	return batch, rec.PlacedOnMarket.Format(time.DateOnly)
}

func pgSyncDevices(ctx context.Context, c *pgx.Conn, devs []*fleet.Device, pom *unitsupport.Records) error {
	tx, err := c.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE devices_in (LIKE devices) ON COMMIT DROP`); err != nil {
		return err
	}
	rows := make([][]any, len(devs))
	for i, d := range devs {
		batch, date := deviceBatchDate(d, pom)
		rows[i] = []any{d.Unit, d.Hardware, batch, d.PublicKey, date}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"devices_in"}, []string{"unit", "hardware", "batch", "public_key", "placed_on_market"}, pgx.CopyFromRows(rows)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO devices SELECT * FROM devices_in
ON CONFLICT (unit) DO UPDATE SET hardware = excluded.hardware, batch = excluded.batch, public_key = excluded.public_key,
placed_on_market = COALESCE(excluded.placed_on_market, devices.placed_on_market)
WHERE `+deviceChanged); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// pgx runs f on one native connection of the pool.
func (db *DB) pgx(ctx context.Context, f func(*pgx.Conn) error) error {
	conn, err := db.SQL.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error { return f(dc.(*stdlib.Conn).Conn()) })
}

// Ingest verifies every input against the registry and stores the accepted
// reports. A report is rejected, counted by reason and kept in the
// rejections table (never in reports) when it is malformed, names a unit the
// registry does not have or another hardware ID, fails its signature, or
// carries a counter not above the unit's last accepted one (a replay: ingesting
// the same file twice makes every report in it a replay). Inputs are taken in
// the order given; batches of reports are verified in parallel and written
// in one transaction each, the next batch read and verified while the one
// before it is written (inputs is ranged over on another goroutine, which has
// ended when Ingest returns). An error means the store could not be written:
// batches before it are kept.
func (db *DB) Ingest(ctx context.Context, inputs iter.Seq[Input], o IngestOptions) (*IngestResult, error) {
	if o.Registry == nil {
		return nil, errors.New("fleet ingest: no device registry")
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 4096
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.KeepRejections <= 0 {
		o.KeepRejections = 1000
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	res := &IngestResult{Rejections: []Rejection{}}
	last := map[string]uint64{}
	// Reading and verifying the next batch overlap writing the one before
	// (the server's work and the wait for it): the inputs are read on
	// another goroutine, verified batches wait in a queue of one, and
	// Ingest returns only after that goroutine has stopped.
	verified := make(chan []checked, 1)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(verified)
		batch := make([]Input, 0, o.BatchSize)
		send := func() bool {
			out := verifyBatch(batch, o) // out keeps no reference to batch
			batch = batch[:0]
			select {
			case verified <- out:
				return true
			case <-stop:
				return false
			}
		}
		for in := range inputs {
			batch = append(batch, in)
			if len(batch) == o.BatchSize && !send() {
				return
			}
		}
		if len(batch) > 0 {
			send()
		}
	})
	defer wg.Wait()
	defer close(stop)
	for out := range verified {
		if err := db.apply(ctx, out, last, res, o); err != nil {
			return res, err
		}
	}
	return res, nil
}

// verifyChunk is how many inputs a worker takes at a time: small enough
// that a worker slowed by another process does not hold up the batch.
const verifyChunk = 64

func verifyBatch(batch []Input, o IngestOptions) []checked {
	out := make([]checked, len(batch))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(o.Workers, (len(batch)+verifyChunk-1)/verifyChunk) {
		wg.Go(func() {
			for {
				lo := int(next.Add(verifyChunk)) - verifyChunk
				if lo >= len(batch) {
					return
				}
				for i := lo; i < min(lo+verifyChunk, len(batch)); i++ {
					out[i] = verifyOne(batch[i], o)
				}
			}
		})
	}
	wg.Wait()
	return out
}

func reject(reason, source, unit string, counter uint64, detail string) checked {
	return checked{rej: &Rejection{Reason: reason, Unit: unit, Counter: counter, Source: source, Detail: detail}}
}

func verifyOne(in Input, o IngestOptions) checked {
	switch {
	case in.Err != nil:
		return reject(ReasonMalformed, in.Source, "", 0, in.Err.Error())
	case in.Uptane != nil:
		return verifyUptane(in, o)
	case in.Signed == nil:
		return reject(ReasonMalformed, in.Source, "", 0, "no report")
	}
	s := in.Signed
	d, ok := o.Registry.Lookup(s.Unit)
	if !ok {
		return reject(ReasonUnknownDevice, in.Source, s.Unit, s.Counter, "unit not in the device registry")
	}
	if d.Hardware != s.Hardware {
		return reject(ReasonHardwareMismatch, in.Source, s.Unit, s.Counter, fmt.Sprintf("hardware %s, the registry says %s", s.Hardware, d.Hardware))
	}
	if d.Ed25519 == nil {
		return reject(ReasonBadSignature, in.Source, s.Unit, s.Counter, "the registry's key for the unit is not an Ed25519 key")
	}
	if !s.Verify(d.Ed25519) {
		return reject(ReasonBadSignature, in.Source, s.Unit, s.Counter, "Ed25519 signature does not verify with the unit's registered key")
	}
	sum := sha256.Sum256(s.Body)
	return checked{row: &row{r: s.Report, kind: KindCraudit, digest: hex.EncodeToString(sum[:]), source: in.Source}}
}

// apply runs the replay check in input order and writes one batch.
func (db *DB) apply(ctx context.Context, out []checked, last map[string]uint64, res *IngestResult, o IngestOptions) error {
	// Last counters of units not seen yet in this run.
	var need []string
	seen := map[string]bool{}
	for _, c := range out {
		if c.row != nil {
			if _, ok := last[c.row.r.Unit]; !ok && !seen[c.row.r.Unit] {
				seen[c.row.r.Unit] = true
				need = append(need, c.row.r.Unit)
			}
		}
	}
	if err := db.lastCounters(ctx, need, last); err != nil {
		return err
	}
	var rows []*row
	var rejs []*Rejection
	for _, c := range out {
		if c.row != nil {
			u := c.row.r.Unit
			if prev := last[u]; c.row.r.Counter <= prev {
				r := reject(ReasonReplay, c.row.source, u, c.row.r.Counter, fmt.Sprintf("counter %d is not above the last accepted %d (a report ingested before is a replay)", c.row.r.Counter, prev))
				c = r
			} else {
				last[u] = c.row.r.Counter
				rows = append(rows, c.row)
				continue
			}
		}
		rejs = append(rejs, c.rej)
	}
	if err := db.write(ctx, rows, rejs, o.Now); err != nil {
		return fmt.Errorf("fleet store: %w", err)
	}
	res.Accepted += len(rows)
	for _, r := range rejs {
		countRejected(&res.Rejected, r.Reason, 1)
		if len(res.Rejections) < o.KeepRejections {
			res.Rejections = append(res.Rejections, *r)
		}
	}
	return nil
}

func (db *DB) lastCounters(ctx context.Context, units []string, last map[string]uint64) error {
	for _, u := range units {
		last[u] = 0
	}
	for lo := 0; lo < len(units); lo += 500 {
		part := units[lo:min(lo+500, len(units))]
		var rs *sql.Rows
		var err error
		if db.Kind == KindPostgres {
			rs, err = db.SQL.QueryContext(ctx, `SELECT unit, counter FROM unit_state WHERE unit = ANY($1)`, part)
		} else {
			args := make([]any, len(part))
			for i, u := range part {
				args[i] = u
			}
			rs, err = db.SQL.QueryContext(ctx, `SELECT unit, counter FROM unit_state WHERE unit IN (?`+strings.Repeat(",?", len(part)-1)+`)`, args...)
		}
		if err != nil {
			return fmt.Errorf("fleet store: %w", err)
		}
		for rs.Next() {
			var u string
			var c int64
			if err := rs.Scan(&u, &c); err != nil {
				rs.Close()
				return err
			}
			last[u] = uint64(c)
		}
		if err := rs.Close(); err != nil {
			return err
		}
	}
	return nil
}

func artefactsText(as []fleet.Artefact) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.Name + " " + strconv.FormatInt(a.Length, 10) + " " + a.SHA256
	}
	return strings.Join(parts, "\n")
}

var reportColumns = []string{"unit", "counter", "kind", "hardware", "version", "target", "outcome", "control", "campaign", "device_time", "artefacts", "body_sha256", "source"}

func (r *row) values() []any {
	return []any{r.r.Unit, int64(r.r.Counter), r.kind, r.r.Hardware, r.r.Version, r.r.Target, r.r.Outcome,
		r.r.Control, r.r.Campaign, r.r.Time.Unix(), artefactsText(r.r.Artefacts), r.digest, r.source}
}

// latest keeps the last accepted row per unit of a batch (rows are in
// counter order per unit).
func latest(rows []*row) []*row {
	idx := map[string]int{}
	var out []*row
	for _, r := range rows {
		if i, ok := idx[r.r.Unit]; ok {
			out[i] = r
			continue
		}
		idx[r.r.Unit] = len(out)
		out = append(out, r)
	}
	return out
}

const upsertState = `INSERT INTO unit_state (unit, counter, version, outcome, device_time) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (unit) DO UPDATE SET counter = excluded.counter, version = excluded.version, outcome = excluded.outcome, device_time = excluded.device_time
WHERE excluded.counter > unit_state.counter`

func (db *DB) write(ctx context.Context, rows []*row, rejs []*Rejection, now time.Time) error {
	if db.Kind == KindPostgres {
		return db.pgx(ctx, func(c *pgx.Conn) error { return pgWrite(ctx, c, rows, rejs, now) })
	}
	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if len(rows) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO reports (`+strings.Join(reportColumns, ", ")+`) VALUES (?`+strings.Repeat(", ?", len(reportColumns)-1)+`)`)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if _, err := st.ExecContext(ctx, r.values()...); err != nil {
				return err
			}
		}
		us, err := tx.PrepareContext(ctx, upsertState)
		if err != nil {
			return err
		}
		for _, r := range latest(rows) {
			if _, err := us.ExecContext(ctx, r.r.Unit, int64(r.r.Counter), r.r.Version, r.r.Outcome, r.r.Time.Unix()); err != nil {
				return err
			}
		}
	}
	if len(rejs) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO rejections (reason, unit, counter, source, detail, ingested_at) VALUES (?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		for _, r := range rejs {
			if _, err := st.ExecContext(ctx, r.Reason, r.Unit, int64(r.Counter), r.Source, r.Detail, now.Unix()); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// writeLock is the advisory lock key of the fleet store's writers.
const writeLock int64 = 0x6372617564697401 // "craudit" 1

func pgWrite(ctx context.Context, c *pgx.Conn, rows []*row, rejs []*Rejection, now time.Time) error {
	tx, err := c.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	// Writers take turns: summary rows are never locked in two orders.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, writeLock); err != nil {
		return err
	}
	if len(rows) > 0 {
		vals := make([][]any, len(rows))
		for i, r := range rows {
			vals[i] = r.values()
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"reports"}, reportColumns, pgx.CopyFromRows(vals)); err != nil {
			return err
		}
		lt := latest(rows)
		units, versions, outcomes := make([]string, len(lt)), make([]string, len(lt)), make([]string, len(lt))
		counters, times := make([]int64, len(lt)), make([]int64, len(lt))
		for i, r := range lt {
			units[i], counters[i], versions[i], outcomes[i], times[i] = r.r.Unit, int64(r.r.Counter), r.r.Version, r.r.Outcome, r.r.Time.Unix()
		}
		if _, err := tx.Exec(ctx, `INSERT INTO unit_state (unit, counter, version, outcome, device_time)
SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[])
ON CONFLICT (unit) DO UPDATE SET counter = excluded.counter, version = excluded.version, outcome = excluded.outcome, device_time = excluded.device_time
WHERE excluded.counter > unit_state.counter`, units, counters, versions, outcomes, times); err != nil {
			return err
		}
	}
	if len(rejs) > 0 {
		vals := make([][]any, len(rejs))
		for i, r := range rejs {
			vals[i] = []any{r.Reason, r.Unit, int64(r.Counter), r.Source, r.Detail, now.Unix()}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"rejections"}, []string{"reason", "unit", "counter", "source", "detail", "ingested_at"}, pgx.CopyFromRows(vals)); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

// MaxFileBytes bounds one report file (reports written back to back) and
// one Uptane manifest file is bounded by the vehicle package.
const MaxFileBytes = 1 << 30

// FileInputs reads the files in order: a file that starts with "{" is an
// Uptane vehicle manifest, any other one holds craudit device reports back
// to back (Source FILE#N from the second report on). A file that cannot be
// opened stops the sequence and sets *errp.
func FileInputs(files []string, errp *error) iter.Seq[Input] {
	return func(yield func(Input) bool) {
		for _, p := range files {
			f, err := os.Open(p)
			if err != nil {
				*errp = err
				return
			}
			if !readFile(p, f, yield) {
				f.Close()
				return
			}
			f.Close()
		}
	}
}

func readFile(p string, f *os.File, yield func(Input) bool) bool {
	head := make([]byte, 1)
	n, _ := io.ReadFull(f, head)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return yield(Input{Source: p, Err: err})
	}
	if n == 1 && head[0] == '{' {
		b, err := io.ReadAll(io.LimitReader(f, maxUptaneBytes+1))
		switch {
		case err != nil:
			return yield(Input{Source: p, Err: err})
		case len(b) > maxUptaneBytes:
			return yield(Input{Source: p, Err: fmt.Errorf("over %d bytes", maxUptaneBytes)})
		}
		return yield(Input{Source: p, Uptane: b})
	}
	dec := fleet.NewDecoder(io.LimitReader(f, MaxFileBytes))
	for i := 1; ; i++ {
		src := p
		if i > 1 {
			src = p + "#" + strconv.Itoa(i)
		}
		s, err := dec.Next()
		if err == io.EOF {
			if i == 1 {
				return yield(Input{Source: p, Err: errors.New("empty file")})
			}
			return true
		}
		if !yield(Input{Source: src, Signed: s, Err: err}) {
			return false
		}
	}
}

// SummaryLine says what an ingest did, in one line.
func (r *IngestResult) SummaryLine() string {
	j := r.Rejected
	return fmt.Sprintf("%d reports: %d accepted, %d rejected (bad signature %d, replay %d, unknown device %d, hardware mismatch %d, malformed %d)",
		r.Accepted+j.Total(), r.Accepted, j.Total(), j.BadSignature, j.Replay, j.UnknownDevice, j.HardwareMismatch, j.Malformed)
}
