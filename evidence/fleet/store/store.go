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

// migrations: version i+1 is migrations[i]. Append only; never edit one
// that has shipped. Types are the ones both databases share: times are
// Unix seconds (BIGINT), dates YYYY-MM-DD text.
var migrations = []string{
	`CREATE TABLE devices (
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
);`,
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
		for _, stmt := range strings.Split(migrations[v-1], ";\n") {
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
