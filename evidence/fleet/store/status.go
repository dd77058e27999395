package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/craudit/craudit/evidence/fleet"
	"github.com/craudit/craudit/evidence/product"
	"github.com/craudit/craudit/evidence/unitsupport"
)

// The status queries (docs/fleet.md shows their plans): counts from the summary
// tables (migration 2), lists from one scan each, sorted in Go (byte order).
const (
	qUnitsPerRelease = `SELECT version, n FROM release_units WHERE n > 0`
	qAttempts        = `SELECT campaign, target, outcome, n FROM attempt_counts WHERE n > 0`
	qDeviceCounts    = `SELECT batch, dated, n FROM device_counts WHERE n > 0`
	qSilent          = `SELECT unit FROM unit_state WHERE device_time < ?`
	qNeverReported   = `SELECT unit FROM unreported_units`
	qUnknownStart    = `SELECT unit FROM devices WHERE placed_on_market IS NULL`
	qRejections      = `SELECT reason, COUNT(*) FROM rejections GROUP BY reason`
	// qSupportLists (completed with the past-support conditions): both lists, one scan.
	qSupportLists = `SELECT unit, placed_on_market IS NULL FROM devices WHERE placed_on_market IS NULL OR (placed_on_market IS NOT NULL AND (`
)

// StatusOptions are what a status snapshot is computed with besides the
// store.
type StatusOptions struct {
	// At is the reference time: support ends and silence are judged at it.
	At time.Time
	// SilentDays: a unit with no accepted report whose device time is
	// within this many days before At is silent (never-reporting units
	// too). 0 means 30.
	SilentDays int
	// Product and Support come from product.yaml (Support nil: support
	// ends are not judged and the snapshot says so).
	Product string
	Support *product.SupportPeriod
	// Releases are the verified bundles given: a release's open
	// vulnerabilities are known only when its bundle is among them.
	Releases []unitsupport.Release
}

// DefaultSilentDays is the silence threshold when none is given.
const DefaultSilentDays = 30

// Status computes the fleet status snapshot. Every list is sorted.
func (db *DB) Status(ctx context.Context, o StatusOptions) (*fleet.Status, error) {
	if o.SilentDays <= 0 {
		o.SilentDays = DefaultSilentDays
	}
	st := &fleet.Status{Schema: fleet.StatusSchema, ReferenceTime: o.At.UTC(), Product: o.Product, Store: db.Kind,
		Releases: []fleet.ReleaseStatus{}, SilentDays: o.SilentDays, SilentUnits: []string{},
		Support: fleet.SupportStatus{PastSupport: []string{}, UnknownStart: []string{}}}
	wrap := func(err error) error { return fmt.Errorf("fleet status: %w", err) }
	// Registered units by batch, with and without a placed-on-market date.
	type batchCount struct{ dated, undated int }
	batches := map[string]*batchCount{}
	if err := db.each(ctx, qDeviceCounts, nil, func(rs *sql.Rows) error {
		var b string
		var dated, n int
		if err := rs.Scan(&b, &dated, &n); err != nil {
			return err
		}
		if batches[b] == nil {
			batches[b] = &batchCount{}
		}
		if dated == 1 {
			batches[b].dated += n
		} else {
			batches[b].undated += n
		}
		st.Units += n
		return nil
	}); err != nil {
		return nil, wrap(err)
	}
	rels := map[string]*fleet.ReleaseStatus{}
	rel := func(v string) *fleet.ReleaseStatus {
		if r, ok := rels[v]; ok {
			return r
		}
		r := &fleet.ReleaseStatus{Version: v}
		rels[v] = r
		return r
	}
	if err := db.each(ctx, qUnitsPerRelease, nil, func(rs *sql.Rows) error {
		var v string
		var n int
		if err := rs.Scan(&v, &n); err != nil {
			return err
		}
		rel(v).Units = n
		st.Reporting += n
		return nil
	}); err != nil {
		return nil, wrap(err)
	}
	camps := map[[2]string]*fleet.CampaignStatus{}
	if err := db.each(ctx, qAttempts, nil, func(rs *sql.Rows) error {
		var c, t, out string
		var n int
		if err := rs.Scan(&c, &t, &out, &n); err != nil {
			return err
		}
		add(&rel(t).Attempts, out, n)
		if c != "" {
			k := [2]string{c, t}
			if camps[k] == nil {
				camps[k] = &fleet.CampaignStatus{ID: c, Release: t}
			}
			add(&camps[k].Attempts, out, n)
		}
		return nil
	}); err != nil {
		return nil, wrap(err)
	}
	byVersion := map[string]*unitsupport.Release{}
	for i := range o.Releases {
		if o.Product == "" || o.Releases[i].Product == o.Product {
			byVersion[o.Releases[i].Version] = &o.Releases[i]
		}
	}
	for _, r := range rels {
		if b, ok := byVersion[r.Version]; ok && b.VulnsKnown {
			r.Judged = true
			r.OpenVulnerabilities = []string{}
			seen := map[string]bool{}
			for _, v := range b.Open {
				if !seen[v.ID] {
					seen[v.ID] = true
					r.OpenVulnerabilities = append(r.OpenVulnerabilities, v.ID)
				}
			}
			sort.Strings(r.OpenVulnerabilities)
			if len(r.OpenVulnerabilities) > 0 {
				st.OpenVulnerabilityUnits += r.Units
			}
		} else {
			st.UnjudgedUnits += r.Units
		}
		st.Releases = append(st.Releases, *r)
	}
	sort.Slice(st.Releases, func(i, j int) bool { return st.Releases[i].Version < st.Releases[j].Version })
	for _, c := range camps {
		st.Campaigns = append(st.Campaigns, *c)
	}
	sort.Slice(st.Campaigns, func(i, j int) bool {
		a, b := st.Campaigns[i], st.Campaigns[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.Release < b.Release
	})
	dated := map[string]int{}
	for b, c := range batches {
		dated[b] = c.dated
	}
	if err := db.support(ctx, o, dated, st); err != nil {
		return nil, wrap(err)
	}
	cutoff := o.At.AddDate(0, 0, -o.SilentDays).Unix()
	if err := db.units(ctx, qSilent, []any{cutoff}, &st.SilentUnits); err != nil {
		return nil, wrap(err)
	}
	if err := db.units(ctx, qNeverReported, nil, &st.SilentUnits); err != nil {
		return nil, wrap(err)
	}
	sortStrings(st.SilentUnits)
	if err := db.each(ctx, qRejections, nil, func(rs *sql.Rows) error {
		var reason string
		var n int
		if err := rs.Scan(&reason, &n); err != nil {
			return err
		}
		countRejected(&st.Rejected, reason, n)
		return nil
	}); err != nil {
		return nil, wrap(err)
	}
	return st, nil
}

// countRejected adds n rejections for a reason.
func countRejected(r *fleet.Rejections, reason string, n int) {
	switch reason {
	case ReasonBadSignature:
		r.BadSignature += n
	case ReasonReplay:
		r.Replay += n
	case ReasonUnknownDevice:
		r.UnknownDevice += n
	case ReasonHardwareMismatch:
		r.HardwareMismatch += n
	default:
		r.Malformed += n
	}
}

func add(c *fleet.Counts, outcome string, n int) {
	c.Attempts += n
	switch outcome {
	case fleet.OutcomeSuccess:
		c.Success += n
	case fleet.OutcomeFailure:
		c.Failure += n
	case fleet.OutcomeRollback:
		c.Rollback += n
	case fleet.OutcomeRefusedAttack:
		c.RefusedAttack += n
	}
}

// support splits the units by support period: a batch with an end date in
// product.yaml ends there; any other unit ends at its placed-on-market date
// + the support years. Units without a placed-on-market date are unknown.
// dated counts each batch's units with a placed-on-market date.
func (db *DB) support(ctx context.Context, o StatusOptions, dated map[string]int, st *fleet.Status) error {
	sp := o.Support
	if sp == nil {
		st.Support.Problem = "no product.yaml given (--bundle or --product): support ends not judged"
		return db.units(ctx, qUnknownStart, nil, &st.Support.UnknownStart)
	}
	var ended, running []any
	for _, b := range sp.Batches {
		if b.End == nil {
			continue
		}
		if o.At.Before(b.End.Time) {
			running = append(running, b.ID)
		} else {
			ended = append(ended, b.ID)
		}
	}
	if sp.Years <= 0 && len(ended)+len(running) == 0 {
		st.Support.Problem = "product.yaml gives no support years and no batch end dates: support ends not judged"
		return db.units(ctx, qUnknownStart, nil, &st.Support.UnknownStart)
	}
	st.Support.Basis = fmt.Sprintf("placed on the market + %d years (product.yaml)", sp.Years)
	if len(ended)+len(running) > 0 {
		st.Support.Basis += fmt.Sprintf("; %d batches with their own end date", len(ended)+len(running))
	}
	// A unit is past its end when its batch has ended, or when its batch
	// has no end date and placed_on_market + years <= At, that is
	// placed_on_market <= At - years (dates compare as YYYY-MM-DD text).
	in := func(ids []any) string {
		if len(ids) == 0 {
			return "(NULL)"
		}
		s := "(?"
		for range ids[1:] {
			s += ", ?"
		}
		return s + ")"
	}
	withEnd := append(append([]any{}, ended...), running...)
	var conds []string
	var args []any
	if len(ended) > 0 {
		conds = append(conds, `batch IN `+in(ended))
		args = append(args, ended...)
	}
	if sp.Years > 0 {
		c := `placed_on_market <= ?`
		if len(withEnd) > 0 {
			c = `(batch NOT IN ` + in(withEnd) + ` AND ` + c + `)`
			args = append(args, withEnd...)
		}
		conds = append(conds, c)
		args = append(args, o.At.AddDate(-sp.Years, 0, 0).Format(time.DateOnly))
	}
	if len(conds) == 0 {
		conds = append(conds, `1 = 0`)
	}
	q := qSupportLists + strings.Join(conds, ` OR `) + `))`
	units, unknown, err := db.unitList(ctx, q, args)
	if err != nil {
		return err
	}
	for i, u := range units {
		if unknown[i] {
			st.Support.UnknownStart = append(st.Support.UnknownStart, u)
		} else {
			st.Support.PastSupport = append(st.Support.PastSupport, u)
		}
	}
	sortStrings(st.Support.UnknownStart)
	sortStrings(st.Support.PastSupport)
	// Units of a batch without an end date when the product gives no
	// years stay unjudged: neither in nor past support.
	judged := 0
	for b, n := range dated {
		if sp.Years > 0 || slices.Contains(withEnd, any(b)) {
			judged += n
		}
	}
	st.Support.InSupport = judged - len(st.Support.PastSupport)
	return nil
}

func (db *DB) each(ctx context.Context, q string, args []any, f func(*sql.Rows) error) error {
	rs, err := db.SQL.QueryContext(ctx, db.q(q), args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		if err := f(rs); err != nil {
			return err
		}
	}
	return rs.Err()
}

func (db *DB) units(ctx context.Context, q string, args []any, dst *[]string) error {
	units, _, err := db.unitList(ctx, q, args)
	if err != nil {
		return err
	}
	*dst = append(*dst, units...)
	sortStrings(*dst)
	return nil
}

// unitList reads a list query: a unit per row [and a flag]. On PostgreSQL the
// units are read as wire bytes into one buffer (database/sql: ~1 us a row).
func (db *DB) unitList(ctx context.Context, q string, args []any) (units []string, flags []bool, err error) {
	if db.Kind != KindPostgres {
		err = db.each(ctx, q, args, func(rs *sql.Rows) error {
			cols, err := rs.Columns()
			if err != nil {
				return err
			}
			var u string
			var f bool
			dst := []any{&u, &f}[:len(cols)]
			if err := rs.Scan(dst...); err != nil {
				return err
			}
			units = append(units, u)
			if len(cols) > 1 {
				flags = append(flags, f)
			}
			return nil
		})
		return units, flags, err
	}
	err = db.pgx(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, db.q(q), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		fds := rows.FieldDescriptions()
		var buf []byte
		var ends []int
		for rows.Next() {
			raw := rows.RawValues()
			buf = append(buf, raw[0]...)
			ends = append(ends, len(buf))
			if len(raw) > 1 {
				// bool: one byte, 1 in binary format, 't' in text.
				want := byte(1)
				if fds[1].Format == pgx.TextFormatCode {
					want = 't'
				}
				flags = append(flags, len(raw[1]) == 1 && raw[1][0] == want)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		all := string(buf)
		units = make([]string, len(ends))
		lo := 0
		for i, e := range ends {
			units[i] = all[lo:e]
			lo = e
		}
		return nil
	})
	return units, flags, err
}

// sortStrings sorts in byte order; a list read in that order (a table
// written in unit order) is only checked.
func sortStrings(s []string) {
	if !sort.StringsAreSorted(s) {
		sort.Strings(s)
	}
}
