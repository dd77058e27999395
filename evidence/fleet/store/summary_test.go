package store

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/craudit/craudit/evidence/fleet"
)

// counts reads "key n" lines of a query, sorted, rows with n = 0 left out.
func counts(t *testing.T, db *DB, q string) []string {
	t.Helper()
	var out []string
	err := db.each(context.Background(), q, nil, func(rs *sql.Rows) error {
		cols, _ := rs.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return err
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts[i] = fmt.Sprint(v)
		}
		if parts[len(parts)-1] != "0" {
			out = append(out, strings.Join(parts, " "))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// checkSummaries: the summary tables agree with a recount of the tables
// they summarise.
func checkSummaries(t *testing.T, db *DB, when string) {
	t.Helper()
	if got, want := counts(t, db, `SELECT version, n FROM release_units`), counts(t, db, `SELECT version, COUNT(*) FROM unit_state GROUP BY version`); !reflect.DeepEqual(got, want) {
		t.Errorf("%s: release_units %v, recount %v", when, got, want)
	}
	if got, want := counts(t, db, `SELECT campaign, target, outcome, n FROM attempt_counts`),
		counts(t, db, `SELECT campaign, target, outcome, COUNT(*) FROM reports GROUP BY campaign, target, outcome`); !reflect.DeepEqual(got, want) {
		t.Errorf("%s: attempt_counts %v, recount %v", when, got, want)
	}
	if got, want := counts(t, db, `SELECT batch, dated, n FROM device_counts`),
		counts(t, db, `SELECT batch, CASE WHEN placed_on_market IS NULL THEN 0 ELSE 1 END, COUNT(*) FROM devices GROUP BY 1, 2`); !reflect.DeepEqual(got, want) {
		t.Errorf("%s: device_counts %v, recount %v", when, got, want)
	}
	if got, want := counts(t, db, `SELECT unit, 1 FROM unreported_units`),
		counts(t, db, `SELECT unit, 1 FROM devices d WHERE NOT EXISTS (SELECT 1 FROM unit_state s WHERE s.unit = d.unit)`); !reflect.DeepEqual(got, want) {
		t.Errorf("%s: unreported_units %v, recount %v", when, got, want)
	}
}

// TestSummaries: the counts fleet status reads are kept by the store in the
// writing transaction (new units, units moving to another release, deleted
// rows) and backfilled when a store made by schema 1 is migrated.
func TestSummaries(t *testing.T) {
	backends(t, func(t *testing.T, url string) {
		ctx := context.Background()
		// A schema-1 store with data, as the previous release wrote it.
		db, err := Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		for _, stmt := range []string{`DROP TABLE attempt_counts`, `DROP TABLE release_units`, `DROP TABLE device_counts`, `DROP TABLE unreported_units`, `DROP TABLE devices`, `DROP TABLE reports`,
			`DROP TABLE unit_state`, `DROP TABLE rejections`, `DELETE FROM schema_migrations`} {
			if _, err := db.SQL.ExecContext(ctx, stmt); err != nil {
				t.Fatal(stmt, err)
			}
		}
		if db.Kind == KindPostgres {
			for _, f := range []string{"attempts_add", "attempts_remove", "release_units_add", "release_units_move", "release_units_remove", "device_counts"} {
				if _, err := db.SQL.ExecContext(ctx, `DROP FUNCTION craudit_`+f); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, stmt := range strings.Split(migrations[0].All, ";\n") {
			if _, err := db.SQL.ExecContext(ctx, stmt); err != nil {
				t.Fatal(err)
			}
		}
		for _, stmt := range []string{
			`INSERT INTO schema_migrations (version, applied_at) VALUES (1, 0)`,
			`INSERT INTO reports (unit, counter, kind, hardware, version, target, outcome, campaign, device_time, body_sha256, source) VALUES
('TH-1', 1, 'craudit', 'st100', '1.0.0', '1.0.1', 'failure', 'c1', 0, '', 'x'),
('TH-1', 2, 'craudit', 'st100', '1.0.1', '1.0.1', 'success', 'c1', 0, '', 'x'),
('TH-2', 1, 'craudit', 'st100', '1.0.1', '1.0.1', 'success', '', 0, '', 'x')`,
			`INSERT INTO unit_state (unit, counter, version, outcome, device_time) VALUES ('TH-1', 2, '1.0.1', 'success', 0), ('TH-2', 1, '1.0.1', 'success', 0)`,
			`INSERT INTO devices (unit, hardware, batch, public_key) VALUES ('TH-1', 'st100', 'b1', 'k'), ('TH-2', 'st100', 'b2', 'k')`,
		} {
			if _, err := db.SQL.ExecContext(ctx, stmt); err != nil {
				t.Fatal(err)
			}
		}
		db.Close()
		if db, err = Open(ctx, url); err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if got := counts(t, db, `SELECT version, n FROM release_units`); !reflect.DeepEqual(got, []string{"1.0.1 2"}) {
			t.Fatalf("backfilled release_units %v", got)
		}
		if got := counts(t, db, `SELECT batch, dated, n FROM device_counts`); !reflect.DeepEqual(got, []string{"b1 0 1", "b2 0 1"}) {
			t.Fatalf("backfilled device_counts %v", got)
		}
		checkSummaries(t, db, "after migration")

		// Ingests: a new unit, a unit moving back and forth, reports in
		// batches of 2 so one unit's reports span batches.
		reg := testRegistry(t)
		if err := db.SyncDevices(ctx, reg, testPOM(t)); err != nil {
			t.Fatal(err)
		}
		inputs := map[string][]byte{
			"1": signed(t, "TH-1", "1.0.0", "1.0.2", fleet.OutcomeRollback, "boot-check", "c2", 3),
			"2": signed(t, "TH-3", "1.0.2", "1.0.2", fleet.OutcomeSuccess, "", "c2", 1),
			"3": signed(t, "TH-1", "1.0.2", "1.0.2", fleet.OutcomeSuccess, "", "c2", 4),
			"4": signed(t, "TH-2", "1.0.1", "1.0.2", fleet.OutcomeFailure, "integrity", "c2", 2),
			"5": signed(t, "TH-2", "1.0.2", "1.0.2", fleet.OutcomeSuccess, "", "c2", 3),
		}
		res, err := db.Ingest(ctx, seqOf(t, inputs, []string{"1", "2", "3", "4", "5"}), IngestOptions{Registry: reg, At: ref, Now: ref, BatchSize: 2})
		if err != nil || res.Accepted != 5 {
			t.Fatalf("ingest: %+v %v", res, err)
		}
		checkSummaries(t, db, "after ingest")
		// Syncing the same registry again changes no row.
		if err := db.SyncDevices(ctx, reg, testPOM(t)); err != nil {
			t.Fatal(err)
		}
		checkSummaries(t, db, "after a second sync")
		st, err := db.Status(ctx, StatusOptions{At: ref})
		if err != nil {
			t.Fatal(err)
		}
		if st.Units != 4 || st.Reporting != 3 || len(st.Releases) != 2 || st.Releases[1].Units != 3 || st.Releases[0].Units != 0 {
			t.Fatalf("status %+v", st)
		}
		// Rows removed by hand: the counts follow.
		for _, stmt := range []string{`DELETE FROM unit_state WHERE unit = 'TH-3'`, `DELETE FROM reports WHERE unit = 'TH-2'`, `DELETE FROM devices WHERE unit = 'TH-1'`,
			`UPDATE devices SET batch = 'b3', placed_on_market = NULL WHERE unit = 'TH-2'`} {
			if _, err := db.SQL.ExecContext(ctx, stmt); err != nil {
				t.Fatal(err)
			}
		}
		checkSummaries(t, db, "after deletes")
		if _, err := db.SQL.ExecContext(ctx, `INSERT INTO devices (unit, hardware, batch, public_key, placed_on_market) VALUES ('TH-1', 'st100', 'b1', 'k', '2020-01-01')`); err != nil {
			t.Fatal(err)
		}
		checkSummaries(t, db, "after a new device")
		// A never-reporting unit is silent; a reporting one with an old
		// device time too.
		st, err = db.Status(ctx, StatusOptions{At: ref.Add(24 * time.Hour), SilentDays: 1})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"ST100-0001", "TH-1", "TH-2", "TH-3"}; !reflect.DeepEqual(st.SilentUnits, want) {
			t.Fatalf("silent %v, want %v", st.SilentUnits, want)
		}
	})
}
