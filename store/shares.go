package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/etranscript/etranscript/delivery"
)

var _ delivery.ShareStore = (*DB)(nil)

const shareColumns = `id, hash, credential, label, passcode, max_views, views, failures, locked_until, expires, revoked_at, created`

func scanShare(row scanner) (*delivery.Share, error) {
	var s delivery.Share
	var locked, expires, revoked, created sql.NullString
	if err := row.Scan(&s.ID, &s.Hash, &s.Credential, &s.Label, &s.Passcode, &s.MaxViews, &s.Views, &s.Failures,
		&locked, &expires, &revoked, &created); err != nil {
		return nil, err
	}
	s.Expires, s.Created = parseTS(expires), parseTS(created)
	if t := parseTS(locked); !t.IsZero() {
		s.LockedUntil = &t
	}
	if t := parseTS(revoked); !t.IsZero() {
		s.Revoked = &t
	}
	return &s, nil
}

// AddShare implements delivery.ShareStore.
func (d *DB) AddShare(ctx context.Context, s *delivery.Share) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO shares (`+shareColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, NULL, $10)`,
		s.ID, s.Hash, s.Credential, s.Label, s.Passcode, s.MaxViews, s.Views, s.Failures, ts(s.Expires), ts(s.Created))
	return d.wrap(err)
}

// ShareByHash implements delivery.ShareStore.
func (d *DB) ShareByHash(ctx context.Context, hash string) (*delivery.Share, error) {
	s, err := scanShare(d.db.QueryRowContext(ctx, `SELECT `+shareColumns+` FROM shares WHERE hash = $1`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, delivery.ErrNotFound
	}
	return s, d.wrap(err)
}

// Shares implements delivery.ShareStore.
func (d *DB) Shares(ctx context.Context, credential string) ([]delivery.Share, error) {
	return queryAll(ctx, d, scanShare, `SELECT `+shareColumns+` FROM shares WHERE credential = $1 ORDER BY created, id`, credential)
}

// RevokeShare implements delivery.ShareStore.
func (d *DB) RevokeShare(ctx context.Context, credential, id string, at time.Time) error {
	res, err := d.db.ExecContext(ctx, `UPDATE shares SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND credential = $3`, ts(at), id, credential)
	if err != nil {
		return d.wrap(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return delivery.ErrNotFound
	}
	return nil
}

// SetShareToken implements delivery.ShareStore.
func (d *DB) SetShareToken(ctx context.Context, id, hash string) error {
	_, err := d.db.ExecContext(ctx, `UPDATE shares SET hash = $1 WHERE id = $2`, hash, id)
	return d.wrap(err)
}

// OpenShare implements delivery.ShareStore: the count rises only while the
// share has views left, so two openings at once cannot exceed it.
func (d *DB) OpenShare(ctx context.Context, id string, v delivery.ShareView) (bool, error) {
	opened := false
	err := d.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE shares SET views = views + 1 WHERE id = $1 AND (max_views = 0 OR views < max_views)`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		opened = true
		_, err = tx.ExecContext(ctx, `INSERT INTO share_views (share, at, browser, network) VALUES ($1, $2, $3, $4)`,
			id, ts(v.At), v.Browser, v.Network)
		return err
	})
	return opened, d.wrap(err)
}

// ShareFailure implements delivery.ShareStore.
func (d *DB) ShareFailure(ctx context.Context, id string, max int, lockUntil time.Time) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE shares SET failures = failures + 1 WHERE id = $1`, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE shares SET failures = 0, locked_until = $1 WHERE id = $2 AND failures >= $3`, ts(lockUntil), id, max)
		return err
	})
}

// ShareSuccess implements delivery.ShareStore.
func (d *DB) ShareSuccess(ctx context.Context, id string) error {
	_, err := d.db.ExecContext(ctx, `UPDATE shares SET failures = 0 WHERE id = $1`, id)
	return d.wrap(err)
}

// ShareViews implements delivery.ShareStore.
func (d *DB) ShareViews(ctx context.Context, id string) ([]delivery.ShareView, error) {
	return queryAll(ctx, d, func(row scanner) (*delivery.ShareView, error) {
		var v delivery.ShareView
		var at sql.NullString
		if err := row.Scan(&at, &v.Browser, &v.Network); err != nil {
			return nil, err
		}
		v.At = parseTS(at)
		return &v, nil
	}, `SELECT at, browser, network FROM share_views WHERE share = $1 ORDER BY id`, id)
}

// AddConsent implements delivery.ShareStore.
func (d *DB) AddConsent(ctx context.Context, c *delivery.Consent) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO consents (id, credential, delivery, recipient, note, statement, link, created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		c.ID, c.Credential, c.Delivery, c.Recipient, c.Note, c.Statement, c.Link, ts(c.Created))
	return d.wrap(err)
}

// Consents implements delivery.ShareStore.
func (d *DB) Consents(ctx context.Context, credential string) ([]delivery.Consent, error) {
	return queryAll(ctx, d, func(row scanner) (*delivery.Consent, error) {
		var c delivery.Consent
		var created sql.NullString
		if err := row.Scan(&c.ID, &c.Credential, &c.Delivery, &c.Recipient, &c.Note, &c.Statement, &c.Link, &created); err != nil {
			return nil, err
		}
		c.Created = parseTS(created)
		return &c, nil
	}, `SELECT id, credential, delivery, recipient, note, statement, link, created FROM consents WHERE credential = $1 ORDER BY created, id`, credential)
}

// HolderDeliveries implements delivery.ShareStore.
func (d *DB) HolderDeliveries(ctx context.Context, email string) ([]delivery.Delivery, error) {
	return d.deliveries(ctx, `kind = $1 AND LOWER(email) = $2 ORDER BY created, id`, delivery.KindHolder, email)
}

// Purge implements delivery.ShareStore: the access log, and the shares
// and download links (with their download log) that ended before before.
func (d *DB) Purge(ctx context.Context, before time.Time) (int, error) {
	n := 0
	b := ts(before)
	err := d.tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM share_views WHERE at < $1`,
			`DELETE FROM share_views WHERE share IN (SELECT id FROM shares WHERE expires < $1 OR revoked_at < $1)`,
			`DELETE FROM shares WHERE expires < $1 OR revoked_at < $1`,
			`DELETE FROM downloads WHERE at < $1`,
			`DELETE FROM links WHERE expires < $1 OR revoked_at < $1`,
		} {
			res, err := tx.ExecContext(ctx, q, b)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += int(k)
		}
		return nil
	})
	return n, d.wrap(err)
}
