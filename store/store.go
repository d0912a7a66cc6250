package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// DB is the store.
type DB struct {
	db      *sql.DB
	dialect dialect
	name    string // what to call it in messages, without credentials
}

type dialect struct {
	name   string
	blob   string
	serial string
	// lock, if set, is run first in a transaction that allocates slots
	// (SQLite transactions are already exclusive: BEGIN IMMEDIATE).
	lock string
	// numbered: parameters are $1, $2... (PostgreSQL); else ?, in order
	// (SQLite: it keeps $1 or ?1 as a name, looked up in a list when the
	// statement is parsed and again for each value bound, quadratic in a
	// statement of many rows).
	numbered bool
}

var (
	sqlite   = dialect{name: "sqlite", blob: "BLOB", serial: "INTEGER"}
	postgres = dialect{name: "postgres", blob: "BYTEA", serial: "BIGSERIAL", lock: "LOCK TABLE status_lists IN EXCLUSIVE MODE", numbered: true}
)

// ErrUnavailable wraps every failure to reach the database (a DSN that does
// not answer, a data directory that cannot be written).
var ErrUnavailable = errors.New("database unavailable")

// ErrDSN is returned for a DSN this store does not understand.
var ErrDSN = errors.New("expected postgres://... or sqlite:PATH")

// DefaultFile is the SQLite database's file name in the data directory.
const DefaultFile = "etranscript.db"

// Open opens the store named by dsn and brings its schema up to date: a
// "postgres://" or "postgresql://" URL, a "sqlite:PATH", or "" for the
// SQLite file in dataDir.
func Open(ctx context.Context, dataDir, dsn string) (*DB, error) {
	d := &DB{}
	var err error
	switch {
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		d.dialect = postgres
		d.name = redact(dsn)
		d.db, err = sql.Open("pgx", dsn)
		if err == nil {
			d.db.SetMaxOpenConns(8)
		}
	default:
		path, ok := strings.CutPrefix(dsn, "sqlite:")
		if !ok && dsn != "" {
			return nil, fmt.Errorf("database %s: %w", redact(dsn), ErrDSN)
		}
		if path == "" {
			path = filepath.Join(dataDir, DefaultFile)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
		d.dialect, d.name = sqlite, path
		// WAL lets the service read while a command writes; the busy
		// timeout makes concurrent writers wait instead of failing.
		d.db, err = sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(15000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate")
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrUnavailable, d.name, err)
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := d.db.PingContext(pctx); err != nil {
		d.db.Close()
		return nil, fmt.Errorf("%w: %s: %v", ErrUnavailable, d.name, err)
	}
	if err := d.migrate(pctx); err != nil {
		d.db.Close()
		return nil, fmt.Errorf("%s: schema: %w", d.name, err)
	}
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// Dialect is "sqlite" or "postgres".
func (d *DB) Dialect() string { return d.dialect.name }

// String names the database without its password.
func (d *DB) String() string { return d.name }

// redact hides the password of a DSN.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		if err != nil {
			return "(unparsable DSN)"
		}
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// tx runs fn in a transaction, committed if fn returns nil.
func (d *DB) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return d.wrap(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return d.wrap(tx.Commit())
}

// wrap marks connection failures as ErrUnavailable.
func (d *DB) wrap(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) {
		return err
	}
	msg := err.Error()
	for _, s := range []string{"connect", "connection refused", "no such host", "broken pipe", "unable to open database", "disk I/O", "read-only", "timeout"} {
		if strings.Contains(msg, s) {
			return fmt.Errorf("%w: %s: %v", ErrUnavailable, d.name, err)
		}
	}
	return err
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTS(s sql.NullString) time.Time {
	if !s.Valid {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, s.String)
	return t
}
