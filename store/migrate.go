package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// migrations are the schema, one step per version, never edited once
// released: a change is a new step. {{blob}} and {{serial}} are replaced
// per dialect.
var migrations = []string{
	// 1: status lists and the credentials' slots in them.
	`CREATE TABLE status_lists (
		id INTEGER PRIMARY KEY,
		used {{blob}} NOT NULL,
		allocated INTEGER NOT NULL,
		version BIGINT NOT NULL,
		created TEXT NOT NULL
	);
	CREATE TABLE credentials (
		id TEXT PRIMARY KEY,
		batch TEXT NOT NULL,
		list_no INTEGER NOT NULL REFERENCES status_lists(id),
		idx INTEGER NOT NULL,
		revoked_at TEXT,
		revocation_reason TEXT,
		suspended_at TEXT,
		suspension_reason TEXT,
		UNIQUE (list_no, idx)
	);
	CREATE INDEX credentials_batch ON credentials (batch);
	CREATE TABLE status_events (
		id {{serial}} PRIMARY KEY,
		credential TEXT NOT NULL,
		purpose TEXT NOT NULL,
		set_on BOOLEAN NOT NULL,
		reason TEXT NOT NULL,
		at TEXT NOT NULL
	);
	CREATE TABLE documents (
		name TEXT PRIMARY KEY,
		doc {{blob}} NOT NULL,
		version BIGINT NOT NULL,
		at TEXT NOT NULL
	);`,
	// 2: batch jobs, mail deliveries, download links, API tokens.
	`CREATE TABLE jobs (
		id TEXT PRIMARY KEY,
		input TEXT NOT NULL,
		chain TEXT NOT NULL,
		source TEXT NOT NULL,
		state TEXT NOT NULL,
		total INTEGER NOT NULL,
		done INTEGER NOT NULL,
		error TEXT NOT NULL,
		out_dir TEXT NOT NULL,
		created TEXT NOT NULL,
		updated TEXT NOT NULL
	);
	CREATE TABLE deliveries (
		id TEXT PRIMARY KEY,
		batch TEXT NOT NULL,
		credential TEXT NOT NULL,
		kind TEXT NOT NULL,
		email TEXT NOT NULL,
		name TEXT NOT NULL,
		state TEXT NOT NULL,
		attempts INTEGER NOT NULL,
		next_attempt TEXT NOT NULL,
		last_error TEXT NOT NULL,
		message_id TEXT NOT NULL,
		sent_at TEXT,
		created TEXT NOT NULL
	);
	CREATE UNIQUE INDEX deliveries_holder ON deliveries (credential) WHERE kind = 'holder';
	CREATE INDEX deliveries_pending ON deliveries (state, next_attempt);
	CREATE INDEX deliveries_batch ON deliveries (batch);
	CREATE TABLE links (
		hash TEXT PRIMARY KEY,
		delivery TEXT NOT NULL REFERENCES deliveries(id),
		expires TEXT NOT NULL,
		revoked_at TEXT,
		created TEXT NOT NULL
	);
	CREATE INDEX links_delivery ON links (delivery);
	CREATE TABLE downloads (
		id {{serial}} PRIMARY KEY,
		link TEXT NOT NULL,
		what TEXT NOT NULL,
		at TEXT NOT NULL
	);
	CREATE TABLE api_tokens (
		hash TEXT PRIMARY KEY,
		name TEXT NOT NULL,
		created TEXT NOT NULL,
		revoked_at TEXT
	);`,
	// 3: a batch whose mail is held until asked for (issued with
	// --no-mail, or on a test chain).
	`ALTER TABLE jobs ADD COLUMN hold_mail BOOLEAN NOT NULL DEFAULT FALSE;`,
	// 4: the graduates' share links, who opened them, and their consents
	// to deliveries; a delivery's note and share link.
	`CREATE TABLE shares (
		id TEXT PRIMARY KEY,
		hash TEXT NOT NULL UNIQUE,
		credential TEXT NOT NULL,
		label TEXT NOT NULL,
		passcode TEXT NOT NULL,
		max_views INTEGER NOT NULL,
		views INTEGER NOT NULL,
		failures INTEGER NOT NULL,
		locked_until TEXT,
		expires TEXT NOT NULL,
		revoked_at TEXT,
		created TEXT NOT NULL
	);
	CREATE INDEX shares_credential ON shares (credential);
	CREATE TABLE share_views (
		id {{serial}} PRIMARY KEY,
		share TEXT NOT NULL,
		at TEXT NOT NULL,
		browser TEXT NOT NULL,
		network TEXT NOT NULL
	);
	CREATE INDEX share_views_share ON share_views (share);
	CREATE TABLE consents (
		id TEXT PRIMARY KEY,
		credential TEXT NOT NULL,
		delivery TEXT NOT NULL,
		recipient TEXT NOT NULL,
		note TEXT NOT NULL,
		statement TEXT NOT NULL,
		link TEXT NOT NULL,
		created TEXT NOT NULL
	);
	CREATE INDEX consents_credential ON consents (credential);
	ALTER TABLE deliveries ADD COLUMN note TEXT NOT NULL DEFAULT '';
	ALTER TABLE deliveries ADD COLUMN share TEXT NOT NULL DEFAULT '';
	ALTER TABLE deliveries ADD COLUMN name_local TEXT NOT NULL DEFAULT '';`,
	// 5: several processes on one database: each process's heartbeat, the
	// leases of the jobs and mails it works on, and named locks (one
	// anchoring per issuer key at a time); a job's progress by stage.
	`CREATE TABLE processes (
		id TEXT PRIMARY KEY,
		host TEXT NOT NULL,
		started TEXT NOT NULL,
		heartbeat TEXT NOT NULL
	);
	ALTER TABLE jobs ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
	ALTER TABLE jobs ADD COLUMN lease_until TEXT NOT NULL DEFAULT '';
	ALTER TABLE deliveries ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
	ALTER TABLE jobs ADD COLUMN built INTEGER NOT NULL DEFAULT 0;
	ALTER TABLE jobs ADD COLUMN anchored BOOLEAN NOT NULL DEFAULT FALSE;
	ALTER TABLE jobs ADD COLUMN written INTEGER NOT NULL DEFAULT 0;
	CREATE TABLE locks (
		name TEXT PRIMARY KEY,
		owner TEXT NOT NULL,
		until_at TEXT NOT NULL
	);`,
}

// SchemaVersion is the version this build migrates to.
var SchemaVersion = len(migrations)

// migrate applies the steps the database has not seen, each in its own
// transaction with its version record.
func (d *DB) migrate(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return d.wrap(err)
	}
	for {
		done := false
		err := d.tx(ctx, func(tx *sql.Tx) error {
			if d.dialect.lock != "" {
				if _, err := tx.ExecContext(ctx, `LOCK TABLE schema_version IN EXCLUSIVE MODE`); err != nil {
					return err
				}
			}
			var v int
			if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v); err != nil {
				return err
			}
			if v > len(migrations) {
				return fmt.Errorf("the database is at schema version %d, newer than this program (%d): upgrade etranscript", v, len(migrations))
			}
			if v == len(migrations) {
				done = true
				return nil
			}
			step := strings.NewReplacer("{{blob}}", d.dialect.blob, "{{serial}}", d.dialect.serial).Replace(migrations[v])
			for _, stmt := range strings.Split(step, ";") {
				if strings.TrimSpace(stmt) == "" {
					continue
				}
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("migration %d: %w", v+1, err)
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES ($1)`, v+1)
			return err
		})
		if err != nil || done {
			return err
		}
	}
}
