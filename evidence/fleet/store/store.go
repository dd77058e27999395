package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite"
)

// Kinds of store.
const (
	KindSQLite   = "sqlite"
	KindPostgres = "postgres"
)

// URLError is a --db value that names no store.
type URLError struct{ URL, Reason string }

func (e *URLError) Error() string { return fmt.Sprintf("--db %q: %s", redact(e.URL), e.Reason) }

// redact hides a password in a URL for messages.
func redact(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if c := strings.Index(rest[:at], ":"); c >= 0 {
				return u[:i+3] + rest[:c] + ":***" + rest[at:]
			}
		}
	}
	return u
}

// DB is an open fleet store.
type DB struct {
	SQL  *sql.DB
	Kind string
}

// Open opens (and creates when absent) the store a URL names: sqlite:PATH
// or postgres://... (postgresql:// too), and brings its schema up to date.
func Open(ctx context.Context, url string) (*DB, error) {
	var db *DB
	switch {
	case strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(url, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" || strings.ContainsAny(path, "?#") {
			return nil, &URLError{URL: url, Reason: "want sqlite:PATH (a file path without ? or #)"}
		}
		s, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
		if err != nil {
			return nil, err
		}
		s.SetMaxOpenConns(1)
		db = &DB{SQL: s, Kind: KindSQLite}
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		s, err := sql.Open("pgx", url)
		if err != nil {
			return nil, &URLError{URL: url, Reason: err.Error()}
		}
		s.SetMaxOpenConns(4)
		db = &DB{SQL: s, Kind: KindPostgres}
	default:
		return nil, &URLError{URL: url, Reason: "want sqlite:PATH or postgres://..."}
	}
	if err := db.SQL.PingContext(ctx); err != nil {
		db.SQL.Close()
		return nil, fmt.Errorf("%s store: %w", db.Kind, err)
	}
	if err := db.migrate(ctx); err != nil {
		db.SQL.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the store.
func (db *DB) Close() error { return db.SQL.Close() }

// q turns ? placeholders into PostgreSQL's $n.
func (db *DB) q(query string) string {
	if db.Kind != KindPostgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// migration: statements for both databases (";\n"-separated), then each one's own.
type migration struct {
	All              string
	Postgres, SQLite []string
}

// migrations: version i+1 is migrations[i]. Append only; never edit one
// that has shipped. Types are the ones both databases share: times are
// Unix seconds (BIGINT), dates YYYY-MM-DD text.
var migrations = []migration{{All: `CREATE TABLE devices (
	unit TEXT PRIMARY KEY,
	hardware TEXT NOT NULL,
	batch TEXT NOT NULL DEFAULT '',
	public_key TEXT NOT NULL,
	placed_on_market TEXT
);
CREATE TABLE reports (
	unit TEXT NOT NULL,
	counter BIGINT NOT NULL,
	kind TEXT NOT NULL,
	hardware TEXT NOT NULL,
	version TEXT NOT NULL,
	target TEXT NOT NULL,
	outcome TEXT NOT NULL,
	control TEXT NOT NULL DEFAULT '',
	campaign TEXT NOT NULL DEFAULT '',
	device_time BIGINT NOT NULL,
	artefacts TEXT NOT NULL DEFAULT '',
	body_sha256 TEXT NOT NULL,
	source TEXT NOT NULL,
	PRIMARY KEY (unit, counter)
);
CREATE TABLE unit_state (
	unit TEXT PRIMARY KEY,
	counter BIGINT NOT NULL,
	version TEXT NOT NULL,
	outcome TEXT NOT NULL,
	device_time BIGINT NOT NULL
);
CREATE INDEX unit_state_version ON unit_state (version);
CREATE TABLE rejections (
	reason TEXT NOT NULL,
	unit TEXT NOT NULL DEFAULT '',
	counter BIGINT NOT NULL DEFAULT 0,
	source TEXT NOT NULL,
	detail TEXT NOT NULL,
	ingested_at BIGINT NOT NULL
);`}, migration2}

// Migration 2: summary tables for the status counts and unreported_units, kept
// by triggers in the writing transaction (docs/fleet.md).
var migration2 = migration{
	All: `CREATE TABLE attempt_counts (
	campaign TEXT NOT NULL,
	target TEXT NOT NULL,
	outcome TEXT NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (campaign, target, outcome)
);
INSERT INTO attempt_counts (campaign, target, outcome, n)
SELECT campaign, target, outcome, COUNT(*) FROM reports GROUP BY campaign, target, outcome;
CREATE TABLE release_units (
	version TEXT PRIMARY KEY,
	n BIGINT NOT NULL
);
INSERT INTO release_units (version, n) SELECT version, COUNT(*) FROM unit_state GROUP BY version;
CREATE TABLE device_counts (
	batch TEXT NOT NULL,
	dated INTEGER NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (batch, dated)
);
INSERT INTO device_counts (batch, dated, n)
SELECT batch, CASE WHEN placed_on_market IS NULL THEN 0 ELSE 1 END, COUNT(*) FROM devices GROUP BY batch, CASE WHEN placed_on_market IS NULL THEN 0 ELSE 1 END;
CREATE TABLE unreported_units (unit TEXT PRIMARY KEY);
INSERT INTO unreported_units (unit) SELECT d.unit FROM devices d WHERE NOT EXISTS (SELECT 1 FROM unit_state s WHERE s.unit = d.unit);
DROP INDEX unit_state_version;
CREATE INDEX devices_unknown_start ON devices (unit) WHERE placed_on_market IS NULL`,
	// Statement-level triggers with transition tables, keys upserted in order.
	Postgres: []string{
		`CREATE FUNCTION craudit_attempts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO attempt_counts AS a (campaign, target, outcome, n)
	SELECT campaign, target, outcome, COUNT(*) FROM added GROUP BY campaign, target, outcome ORDER BY campaign, target, outcome
	ON CONFLICT (campaign, target, outcome) DO UPDATE SET n = a.n + excluded.n;
	RETURN NULL;
END $$`,
		`CREATE FUNCTION craudit_attempts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE attempt_counts AS a SET n = a.n - r.n
	FROM (SELECT campaign, target, outcome, COUNT(*) AS n FROM removed GROUP BY campaign, target, outcome) r
	WHERE (a.campaign, a.target, a.outcome) = (r.campaign, r.target, r.outcome);
	RETURN NULL;
END $$`,
		`CREATE TRIGGER reports_attempts_add AFTER INSERT ON reports REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION craudit_attempts_add()`,
		`CREATE TRIGGER reports_attempts_remove AFTER DELETE ON reports REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION craudit_attempts_remove()`,
		`CREATE FUNCTION craudit_release_units_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO release_units AS r (version, n)
	SELECT version, COUNT(*) FROM added GROUP BY version ORDER BY version
	ON CONFLICT (version) DO UPDATE SET n = r.n + excluded.n;
	DELETE FROM unreported_units u USING added a WHERE u.unit = a.unit;
	RETURN NULL;
END $$`,
		`CREATE FUNCTION craudit_release_units_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO release_units AS r (version, n)
	SELECT version, SUM(d) FROM (SELECT version, 1 AS d FROM added UNION ALL SELECT version, -1 FROM removed) m
	GROUP BY version HAVING SUM(d) <> 0 ORDER BY version
	ON CONFLICT (version) DO UPDATE SET n = r.n + excluded.n;
	RETURN NULL;
END $$`,
		`CREATE FUNCTION craudit_release_units_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE release_units AS r SET n = r.n - m.n
	FROM (SELECT version, COUNT(*) AS n FROM removed GROUP BY version) m WHERE r.version = m.version;
	INSERT INTO unreported_units (unit) SELECT m.unit FROM removed m JOIN devices d ON d.unit = m.unit ORDER BY 1 ON CONFLICT DO NOTHING;
	RETURN NULL;
END $$`,
		`CREATE TRIGGER unit_state_add AFTER INSERT ON unit_state REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION craudit_release_units_add()`,
		`CREATE TRIGGER unit_state_move AFTER UPDATE ON unit_state REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION craudit_release_units_move()`,
		`CREATE TRIGGER unit_state_remove AFTER DELETE ON unit_state REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION craudit_release_units_remove()`,
		`CREATE FUNCTION craudit_device_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO device_counts AS c (batch, dated, n)
		SELECT batch, (placed_on_market IS NOT NULL)::int, COUNT(*) FROM added GROUP BY 1, 2 ORDER BY 1, 2
		ON CONFLICT (batch, dated) DO UPDATE SET n = c.n + excluded.n;
		INSERT INTO unreported_units (unit) SELECT a.unit FROM added a WHERE NOT EXISTS (SELECT 1 FROM unit_state s WHERE s.unit = a.unit)
		ON CONFLICT DO NOTHING;
	ELSIF TG_OP = 'UPDATE' THEN
		INSERT INTO device_counts AS c (batch, dated, n)
		SELECT batch, dated, SUM(d) FROM (SELECT batch, (placed_on_market IS NOT NULL)::int AS dated, 1 AS d FROM added
			UNION ALL SELECT batch, (placed_on_market IS NOT NULL)::int, -1 FROM removed) m
		GROUP BY 1, 2 HAVING SUM(d) <> 0 ORDER BY 1, 2
		ON CONFLICT (batch, dated) DO UPDATE SET n = c.n + excluded.n;
	ELSE
		UPDATE device_counts AS c SET n = c.n - m.n
		FROM (SELECT batch, (placed_on_market IS NOT NULL)::int AS dated, COUNT(*) AS n FROM removed GROUP BY 1, 2) m
		WHERE c.batch = m.batch AND c.dated = m.dated;
		DELETE FROM unreported_units u USING removed r WHERE u.unit = r.unit;
	END IF;
	RETURN NULL;
END $$`,
		`CREATE TRIGGER devices_add AFTER INSERT ON devices REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION craudit_device_counts()`,
		`CREATE TRIGGER devices_move AFTER UPDATE ON devices REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION craudit_device_counts()`,
		`CREATE TRIGGER devices_remove AFTER DELETE ON devices REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION craudit_device_counts()`,
	},
	// SQLite has row triggers only (and one writer at a time).
	SQLite: []string{
		`CREATE TRIGGER reports_attempts_add AFTER INSERT ON reports BEGIN
	INSERT INTO attempt_counts (campaign, target, outcome, n) VALUES (NEW.campaign, NEW.target, NEW.outcome, 1)
	ON CONFLICT (campaign, target, outcome) DO UPDATE SET n = n + 1;
END`,
		`CREATE TRIGGER reports_attempts_remove AFTER DELETE ON reports BEGIN
	UPDATE attempt_counts SET n = n - 1 WHERE campaign = OLD.campaign AND target = OLD.target AND outcome = OLD.outcome;
END`,
		`CREATE TRIGGER unit_state_add AFTER INSERT ON unit_state BEGIN
	INSERT INTO release_units (version, n) VALUES (NEW.version, 1) ON CONFLICT (version) DO UPDATE SET n = n + 1;
	DELETE FROM unreported_units WHERE unit = NEW.unit;
END`,
		`CREATE TRIGGER unit_state_move AFTER UPDATE OF version ON unit_state WHEN OLD.version <> NEW.version BEGIN
	UPDATE release_units SET n = n - 1 WHERE version = OLD.version;
	INSERT INTO release_units (version, n) VALUES (NEW.version, 1) ON CONFLICT (version) DO UPDATE SET n = n + 1;
END`,
		`CREATE TRIGGER unit_state_remove AFTER DELETE ON unit_state BEGIN
	UPDATE release_units SET n = n - 1 WHERE version = OLD.version;
	INSERT OR IGNORE INTO unreported_units (unit) SELECT unit FROM devices WHERE unit = OLD.unit;
END`,
		`CREATE TRIGGER devices_add AFTER INSERT ON devices BEGIN
	INSERT INTO device_counts (batch, dated, n) VALUES (NEW.batch, NEW.placed_on_market IS NOT NULL, 1)
	ON CONFLICT (batch, dated) DO UPDATE SET n = n + 1;
	INSERT OR IGNORE INTO unreported_units (unit) SELECT NEW.unit WHERE NOT EXISTS (SELECT 1 FROM unit_state WHERE unit = NEW.unit);
END`,
		`CREATE TRIGGER devices_move AFTER UPDATE OF batch, placed_on_market ON devices BEGIN
	UPDATE device_counts SET n = n - 1 WHERE batch = OLD.batch AND dated = (OLD.placed_on_market IS NOT NULL);
	INSERT INTO device_counts (batch, dated, n) VALUES (NEW.batch, NEW.placed_on_market IS NOT NULL, 1)
	ON CONFLICT (batch, dated) DO UPDATE SET n = n + 1;
END`,
		`CREATE TRIGGER devices_remove AFTER DELETE ON devices BEGIN
	UPDATE device_counts SET n = n - 1 WHERE batch = OLD.batch AND dated = (OLD.placed_on_market IS NOT NULL);
	DELETE FROM unreported_units WHERE unit = OLD.unit;
END`,
	},
}

// SchemaVersion is the schema version this build writes.
var SchemaVersion = len(migrations)

// ErrNewerSchema: the store was migrated by a newer craudit.
var ErrNewerSchema = errors.New("fleet store schema is newer than this craudit")

func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.SQL.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("fleet store: %w", err)
	}
	var have int
	if err := db.SQL.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("fleet store: %w", err)
	}
	if have > len(migrations) {
		return fmt.Errorf("%w: version %d, this build knows %d", ErrNewerSchema, have, len(migrations))
	}
	for v := have + 1; v <= len(migrations); v++ {
		tx, err := db.SQL.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		m := migrations[v-1]
		stmts := strings.Split(m.All, ";\n")
		if db.Kind == KindPostgres {
			stmts = append(stmts, m.Postgres...)
		} else {
			stmts = append(stmts, m.SQLite...)
		}
		for _, stmt := range stmts {
			if strings.TrimSpace(stmt) == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return fmt.Errorf("fleet store: migration %d: %w", v, err)
			}
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), v, time.Now().Unix()); err != nil {
			tx.Rollback()
			return fmt.Errorf("fleet store: migration %d: %w", v, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("fleet store: migration %d: %w", v, err)
		}
	}
	return nil
}

// Version returns the store's schema version.
func (db *DB) Version(ctx context.Context) (int, error) {
	var v int
	err := db.SQL.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}
