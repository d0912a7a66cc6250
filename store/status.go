package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/etranscript/etranscript/status"
)

var _ status.Store = (*DB)(nil)

// Allocate implements status.Store: one transaction per call, which holds
// the lists exclusively.
func (d *DB) Allocate(ctx context.Context, batch string, ids []string) ([]status.Slot, error) {
	out := make([]status.Slot, len(ids))
	err := d.tx(ctx, func(tx *sql.Tx) error {
		if d.dialect.lock != "" {
			if _, err := tx.ExecContext(ctx, d.dialect.lock); err != nil {
				return err
			}
		}
		var (
			list, allocated int
			used            []byte
		)
		err := tx.QueryRowContext(ctx, `SELECT id, allocated, used FROM status_lists ORDER BY id DESC LIMIT 1`).Scan(&list, &allocated, &used)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		}
		fresh := list == 0 || !status.Fits(allocated, len(ids))
		if fresh {
			list, allocated, used = list+1, 0, make([]byte, status.ListSize/8)
		}
		idx := status.Pick(used, len(ids))
		if fresh {
			_, err = tx.ExecContext(ctx, `INSERT INTO status_lists (id, used, allocated, version, created) VALUES ($1, $2, $3, 0, $4)`,
				list, used, len(ids), ts(time.Now()))
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE status_lists SET used = $1, allocated = $2 WHERE id = $3`, used, allocated+len(ids), list)
		}
		if err != nil {
			return err
		}
		for i := range ids {
			out[i] = status.Slot{List: list, Index: idx[i]}
		}
		_, err = inChunks(ctx, tx, len(ids), func(rows int) string {
			return `INSERT INTO credentials (id, batch, list_no, idx) VALUES ` + d.dialect.values(rows, 4, nil)
		}, func(i int) []any { return []any{ids[i], batch, list, idx[i]} })
		if err != nil {
			return fmt.Errorf("the credentials of batch %s: %w", batch, err)
		}
		return nil
	})
	if err != nil {
		return nil, d.wrap(err)
	}
	return out, nil
}

// Release implements status.Store, in one transaction that holds the
// lists exclusively.
func (d *DB) Release(ctx context.Context, batch string, ids []string) error {
	return d.wrap(d.tx(ctx, func(tx *sql.Tx) error {
		if d.dialect.lock != "" {
			if _, err := tx.ExecContext(ctx, d.dialect.lock); err != nil {
				return err
			}
		}
		freed := map[int][]int{} // indexes by list
		for from := 0; from < len(ids); from += rowsPerStatement {
			chunk := ids[from:min(from+rowsPerStatement, len(ids))]
			args := make([]any, 0, len(chunk)+1)
			for _, id := range chunk {
				args = append(args, id)
			}
			args = append(args, batch)
			q := `DELETE FROM credentials WHERE id IN ` + d.dialect.list(1, len(chunk)) + ` AND batch = ` + d.dialect.list(len(chunk)+1, 1) + ` RETURNING list_no, idx`
			rows, err := tx.QueryContext(ctx, q, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var list, idx int
				if err := rows.Scan(&list, &idx); err != nil {
					rows.Close()
					return err
				}
				freed[list] = append(freed[list], idx)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if err := rows.Err(); err != nil {
				return err
			}
		}
		for list, idx := range freed {
			if err := freeSlots(ctx, tx, list, idx); err != nil {
				return err
			}
		}
		return nil
	}))
}

// freeSlots clears the used bits idx of a list and lowers its count.
func freeSlots(ctx context.Context, tx *sql.Tx, list int, idx []int) error {
	var used []byte
	if err := tx.QueryRowContext(ctx, `SELECT used FROM status_lists WHERE id = $1`, list).Scan(&used); err != nil {
		return fmt.Errorf("status list %d: %w", list, err)
	}
	for _, i := range idx {
		status.Set(used, i, false)
	}
	_, err := tx.ExecContext(ctx, `UPDATE status_lists SET used = $1, allocated = allocated - $2 WHERE id = $3`, used, len(idx), list)
	return err
}

const entryColumns = `id, batch, list_no, idx, revoked_at, revocation_reason, suspended_at, suspension_reason`

type scanner interface{ Scan(...any) error }

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, d *DB, scan func(scanner) (*T, error), q string, args ...any) ([]T, error) {
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, d.wrap(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *x)
	}
	return out, d.wrap(rows.Err())
}

func scanEntry(row scanner) (*status.Entry, error) {
	var e status.Entry
	var ra, rr, sa, sr sql.NullString
	if err := row.Scan(&e.ID, &e.Batch, &e.List, &e.Index, &ra, &rr, &sa, &sr); err != nil {
		return nil, err
	}
	e.RevokedAt, e.RevocationReason = parseTS(ra), rr.String
	e.SuspendedAt, e.SuspensionReason = parseTS(sa), sr.String
	return &e, nil
}

func nullTS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ts(t)
}

func nullStr(s string, t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return s
}

// Entry implements status.Store.
func (d *DB) Entry(ctx context.Context, id string) (*status.Entry, error) {
	e, err := scanEntry(d.db.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM credentials WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, status.ErrUnknownCredential
	}
	return e, d.wrap(err)
}

// SetStatus implements status.Store: the change, its event and the list's
// new version in one transaction.
func (d *DB) SetStatus(ctx context.Context, id string, p status.Purpose, on bool, reason string, at time.Time) (*status.Entry, error) {
	var e *status.Entry
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var err error
		e, err = scanEntry(tx.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM credentials WHERE id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return status.ErrUnknownCredential
		}
		if err != nil {
			return err
		}
		if err := e.Apply(p, on, reason, at); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE credentials SET revoked_at = $1, revocation_reason = $2, suspended_at = $3, suspension_reason = $4 WHERE id = $5`,
			nullTS(e.RevokedAt), nullStr(e.RevocationReason, e.RevokedAt), nullTS(e.SuspendedAt), nullStr(e.SuspensionReason, e.SuspendedAt), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO status_events (credential, purpose, set_on, reason, at) VALUES ($1, $2, $3, $4, $5)`,
			id, string(p), on, reason, ts(at)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE status_lists SET version = version + 1 WHERE id = $1`, e.List)
		return err
	})
	if err != nil {
		return nil, d.wrap(err)
	}
	return e, nil
}

// Bits implements status.Store.
func (d *DB) Bits(ctx context.Context, list int, p status.Purpose) ([]byte, int64, error) {
	var version int64
	var bits []byte
	err := d.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT version FROM status_lists WHERE id = $1`, list).Scan(&version); errors.Is(err, sql.ErrNoRows) {
			return status.ErrNoList
		} else if err != nil {
			return err
		}
		col := "revoked_at"
		if p == status.Suspension {
			col = "suspended_at"
		}
		rows, err := tx.QueryContext(ctx, `SELECT idx FROM credentials WHERE list_no = $1 AND `+col+` IS NOT NULL`, list)
		if err != nil {
			return err
		}
		defer rows.Close()
		bits = make([]byte, status.ListSize/8)
		for rows.Next() {
			var i int
			if err := rows.Scan(&i); err != nil {
				return err
			}
			status.Set(bits, i, true)
		}
		return rows.Err()
	})
	return bits, version, d.wrap(err)
}

// Lists implements status.Store.
func (d *DB) Lists(ctx context.Context) ([]int, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id FROM status_lists ORDER BY id`)
	if err != nil {
		return nil, d.wrap(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var i int
		if err := rows.Scan(&i); err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, d.wrap(rows.Err())
}

// Revoked implements status.Store.
func (d *DB) Revoked(ctx context.Context, id string) ([]status.Entry, error) {
	q := `SELECT ` + entryColumns + ` FROM credentials WHERE (revoked_at IS NOT NULL OR suspended_at IS NOT NULL)`
	args := []any{}
	if id != "" {
		q += ` AND id = $1`
		args = append(args, id)
	}
	return queryAll(ctx, d, scanEntry, q+` ORDER BY id`, args...)
}

// PutDocument implements status.Store.
func (d *DB) PutDocument(ctx context.Context, name string, doc []byte, version int64, at time.Time) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO documents (name, doc, version, at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (name) DO UPDATE SET doc = excluded.doc, version = excluded.version, at = excluded.at
		WHERE documents.version <= excluded.version`, name, doc, version, ts(at))
	return d.wrap(err)
}

// Document implements status.Store.
func (d *DB) Document(ctx context.Context, name string) ([]byte, time.Time, error) {
	var doc []byte
	var at sql.NullString
	err := d.db.QueryRowContext(ctx, `SELECT doc, at FROM documents WHERE name = $1`, name).Scan(&doc, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, status.ErrNoDocument
	}
	return doc, parseTS(at), d.wrap(err)
}
