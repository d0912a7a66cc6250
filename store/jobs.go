package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/etranscript/etranscript/delivery"
	"github.com/etranscript/etranscript/issuer"
)

var _ delivery.JobStore = (*DB)(nil)

const jobColumns = `id, input, chain, source, state, total, done, error, out_dir, created, updated, hold_mail, built, anchored, written`

func scanJob(row scanner) (*delivery.JobRecord, error) {
	var j delivery.JobRecord
	var created, updated sql.NullString
	if err := row.Scan(&j.ID, &j.Input, &j.Chain, &j.Source, &j.State, &j.Total, &j.Done, &j.Error, &j.Out, &created, &updated, &j.HoldMail, &j.Built, &j.Anchored, &j.Written); err != nil {
		return nil, err
	}
	j.Created, j.Updated = parseTS(created), parseTS(updated)
	return &j, nil
}

// CreateJob implements delivery.JobStore.
func (d *DB) CreateJob(ctx context.Context, j *delivery.JobRecord) (*delivery.JobRecord, bool, error) {
	var out *delivery.JobRecord
	created := false
	err := d.tx(ctx, func(tx *sql.Tx) error {
		old, err := scanJob(tx.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = $1`, j.ID))
		switch {
		case err == nil:
			if old.Input != j.Input {
				return issuer.ErrOtherInput
			}
			out = old
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO jobs (`+jobColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			j.ID, j.Input, j.Chain, j.Source, j.State, j.Total, j.Done, j.Error, j.Out, ts(j.Created), ts(j.Updated), j.HoldMail, j.Built, j.Anchored, j.Written)
		out, created = j, true
		return err
	})
	return out, created, d.wrap(err)
}

// Job implements delivery.JobStore.
func (d *DB) Job(ctx context.Context, id string) (*delivery.JobRecord, error) {
	j, err := scanJob(d.db.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, delivery.ErrNotFound
	}
	return j, d.wrap(err)
}

// Unfinished implements delivery.JobStore.
func (d *DB) Unfinished(ctx context.Context) ([]delivery.JobRecord, error) {
	return queryAll(ctx, d, scanJob, `SELECT `+jobColumns+` FROM jobs WHERE state <> $1 ORDER BY created, id`, delivery.JobDone)
}

// UpdateJob implements delivery.JobStore.
func (d *DB) UpdateJob(ctx context.Context, j *delivery.JobRecord) error {
	_, err := d.db.ExecContext(ctx, `UPDATE jobs SET state = $1, total = $2, done = $3, error = $4, out_dir = $5, updated = $6, hold_mail = $7,
		built = $8, anchored = $9, written = $10 WHERE id = $11`,
		j.State, j.Total, j.Done, j.Error, j.Out, ts(j.Updated), j.HoldMail, j.Built, j.Anchored, j.Written, j.ID)
	return d.wrap(err)
}

const deliveryColumns = `id, batch, credential, kind, email, name, state, attempts, next_attempt, last_error, message_id, sent_at, created, note, share, name_local`

func scanDelivery(row scanner) (*delivery.Delivery, error) {
	var x delivery.Delivery
	var next, sent, created sql.NullString
	if err := row.Scan(&x.ID, &x.Batch, &x.Credential, &x.Kind, &x.Email, &x.Name, &x.State, &x.Attempts, &next, &x.LastError, &x.MessageID, &sent, &created, &x.Note, &x.Share, &x.NameLocal); err != nil {
		return nil, err
	}
	x.NextAttempt, x.Created = parseTS(next), parseTS(created)
	if t := parseTS(sent); !t.IsZero() {
		x.SentAt = &t
	}
	return &x, nil
}

// AddDeliveries implements delivery.JobStore: one transaction, a
// hundred rows a statement.
func (d *DB) AddDeliveries(ctx context.Context, xs []*delivery.Delivery) (int, error) {
	var added int64
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var err error
		added, err = inChunks(ctx, tx, len(xs), func(rows int) string {
			return `INSERT INTO deliveries (` + deliveryColumns + `) VALUES ` + d.dialect.values(rows, 16, nil) + ` ON CONFLICT DO NOTHING`
		}, func(i int) []any {
			x := xs[i]
			return []any{x.ID, x.Batch, x.Credential, x.Kind, x.Email, x.Name, x.State, x.Attempts, ts(x.NextAttempt), x.LastError, x.MessageID, nil, ts(x.Created), x.Note, x.Share, x.NameLocal}
		})
		return d.wrap(err)
	})
	if err != nil {
		return 0, err
	}
	return int(added), nil
}

// Delivery implements delivery.JobStore.
func (d *DB) Delivery(ctx context.Context, id string) (*delivery.Delivery, error) {
	x, err := scanDelivery(d.db.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, delivery.ErrNotFound
	}
	return x, d.wrap(err)
}

func (d *DB) deliveries(ctx context.Context, where string, args ...any) ([]delivery.Delivery, error) {
	return queryAll(ctx, d, scanDelivery, `SELECT `+deliveryColumns+` FROM deliveries WHERE `+where, args...)
}

// Due implements delivery.JobStore.
func (d *DB) Due(ctx context.Context, now time.Time, limit int) ([]delivery.Delivery, error) {
	return d.deliveries(ctx, `state IN ($1, $2) AND next_attempt <= $3 ORDER BY next_attempt, id LIMIT $4`,
		delivery.DeliveryPending, delivery.DeliverySending, ts(now), limit)
}

// Deliveries implements delivery.JobStore.
func (d *DB) Deliveries(ctx context.Context, batch string) ([]delivery.Delivery, error) {
	return d.deliveries(ctx, `batch = $1 ORDER BY created, id`, batch)
}

// CredentialDeliveries implements delivery.JobStore.
func (d *DB) CredentialDeliveries(ctx context.Context, credential string) ([]delivery.Delivery, error) {
	return d.deliveries(ctx, `credential = $1 ORDER BY created, id`, credential)
}

// UpdateDelivery implements delivery.JobStore.
func (d *DB) UpdateDelivery(ctx context.Context, x *delivery.Delivery) error {
	_, err := d.db.ExecContext(ctx, updateDelivery, deliveryUpdate(x)...)
	return d.wrap(err)
}

// SaveDeliveries implements delivery.JobStore: one transaction, a
// hundred rows a statement.
func (d *DB) SaveDeliveries(ctx context.Context, ds []*delivery.Delivery, links []*delivery.Link) error {
	ds = lastOfEach(ds)
	return d.tx(ctx, func(tx *sql.Tx) error {
		_, err := inChunks(ctx, tx, len(links), func(rows int) string {
			return `INSERT INTO links (hash, delivery, expires, created) VALUES ` + d.dialect.values(rows, 4, nil)
		}, func(i int) []any {
			l := links[i]
			return []any{l.Hash, l.Delivery, ts(l.Expires), ts(l.Created)}
		})
		if err != nil {
			return d.wrap(err)
		}
		// The columns of VALUES are column1, column2... in both engines.
		_, err = inChunks(ctx, tx, len(ds), func(rows int) string {
			return `UPDATE deliveries SET state = v.column1, attempts = v.column2, next_attempt = v.column3, last_error = v.column4,
				message_id = v.column5, sent_at = v.column6, share = v.column7
				FROM (VALUES ` + d.dialect.values(rows, 8, map[int]string{1: "INTEGER", 5: "TEXT"}) + `) AS v WHERE deliveries.id = v.column8`
		}, func(i int) []any {
			return deliveryUpdate(ds[i]) // the id last, as updateDelivery takes it
		})
		return d.wrap(err)
	})
}

// lastOfEach is ds with only the last of the deliveries of one id: one
// UPDATE ... FROM with a row twice would take either (PostgreSQL), where
// one statement a row took the last.
func lastOfEach(ds []*delivery.Delivery) []*delivery.Delivery {
	last := make(map[string]int, len(ds))
	for i, x := range ds {
		last[x.ID] = i
	}
	if len(last) == len(ds) {
		return ds
	}
	out := make([]*delivery.Delivery, 0, len(last))
	for i, x := range ds {
		if last[x.ID] == i {
			out = append(out, x)
		}
	}
	return out
}

const updateDelivery = `UPDATE deliveries SET state = $1, attempts = $2, next_attempt = $3, last_error = $4, message_id = $5, sent_at = $6, share = $7 WHERE id = $8`

// deliveryUpdate is updateDelivery's arguments for x.
func deliveryUpdate(x *delivery.Delivery) []any {
	var sent any
	if x.SentAt != nil {
		sent = ts(*x.SentAt)
	}
	return []any{x.State, x.Attempts, ts(x.NextAttempt), x.LastError, x.MessageID, sent, x.Share, x.ID}
}

// RequeueSending implements delivery.JobStore.
func (d *DB) RequeueSending(ctx context.Context, now time.Time) (int, error) {
	res, err := d.db.ExecContext(ctx, `UPDATE deliveries SET state = $1, next_attempt = $2 WHERE state = $3`,
		delivery.DeliveryPending, ts(now), delivery.DeliverySending)
	if err != nil {
		return 0, d.wrap(err)
	}
	n, err := res.RowsAffected()
	return int(n), d.wrap(err)
}

// AddLink implements delivery.JobStore.
func (d *DB) AddLink(ctx context.Context, l *delivery.Link) error {
	_, err := d.db.ExecContext(ctx, insertLink, l.Hash, l.Delivery, ts(l.Expires), ts(l.Created))
	return d.wrap(err)
}

const insertLink = `INSERT INTO links (hash, delivery, expires, created) VALUES ($1, $2, $3, $4)`

// Link implements delivery.JobStore.
func (d *DB) Link(ctx context.Context, hash string) (*delivery.Link, error) {
	var l delivery.Link
	var exp, rev, created sql.NullString
	err := d.db.QueryRowContext(ctx, `SELECT hash, delivery, expires, revoked_at, created FROM links WHERE hash = $1`, hash).
		Scan(&l.Hash, &l.Delivery, &exp, &rev, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, delivery.ErrNotFound
	}
	if err != nil {
		return nil, d.wrap(err)
	}
	l.Expires, l.Created = parseTS(exp), parseTS(created)
	if t := parseTS(rev); !t.IsZero() {
		l.Revoked = &t
	}
	return &l, nil
}

// RevokeLinks implements delivery.JobStore.
func (d *DB) RevokeLinks(ctx context.Context, delivery string, at time.Time) error {
	_, err := d.db.ExecContext(ctx, `UPDATE links SET revoked_at = $1 WHERE delivery = $2 AND revoked_at IS NULL`, ts(at), delivery)
	return d.wrap(err)
}

// LogDownload implements delivery.JobStore.
func (d *DB) LogDownload(ctx context.Context, hash, what string, at time.Time) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO downloads (link, what, at) VALUES ($1, $2, $3)`, hash, what, ts(at))
	return d.wrap(err)
}

// CreateToken stores an API token's hash under a name.
func (d *DB) CreateToken(ctx context.Context, name, hash string, at time.Time) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO api_tokens (hash, name, created) VALUES ($1, $2, $3)`, hash, name, ts(at))
	return d.wrap(err)
}

// TokenName returns the name of the unrevoked API token with this hash.
func (d *DB) TokenName(ctx context.Context, hash string) (string, error) {
	var name string
	err := d.db.QueryRowContext(ctx, `SELECT name FROM api_tokens WHERE hash = $1 AND revoked_at IS NULL`, hash).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", delivery.ErrNotFound
	}
	return name, d.wrap(err)
}

// Token is an issuer-API token as listed: never its value, which only
// its holder has.
type Token struct {
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	Revoked time.Time `json:"revoked,omitzero"` // zero while in use
}

// Tokens lists every API token, oldest first.
func (d *DB) Tokens(ctx context.Context) ([]Token, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT name, created, revoked_at FROM api_tokens ORDER BY created, name`)
	if err != nil {
		return nil, d.wrap(err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var created, revoked sql.NullString
		if err := rows.Scan(&t.Name, &created, &revoked); err != nil {
			return nil, d.wrap(err)
		}
		t.Created, t.Revoked = parseTS(created), parseTS(revoked)
		out = append(out, t)
	}
	return out, d.wrap(rows.Err())
}

// RevokeToken revokes every token in use called name, and says how many.
func (d *DB) RevokeToken(ctx context.Context, name string, at time.Time) (int, error) {
	res, err := d.db.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL`, ts(at), name)
	if err != nil {
		return 0, d.wrap(err)
	}
	n, err := res.RowsAffected()
	return int(n), d.wrap(err)
}

// ReleaseHeld implements delivery.JobStore.
func (d *DB) ReleaseHeld(ctx context.Context, batch string, now time.Time) (int, error) {
	res, err := d.db.ExecContext(ctx, `UPDATE deliveries SET state = $1, next_attempt = $2 WHERE batch = $3 AND state = $4`,
		delivery.DeliveryPending, ts(now), batch, delivery.DeliveryHeld)
	if err != nil {
		return 0, d.wrap(err)
	}
	n, err := res.RowsAffected()
	return int(n), d.wrap(err)
}
