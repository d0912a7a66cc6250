package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/etranscript/etranscript/delivery"
)

var _ delivery.Leases = (*DB)(nil)

// Heartbeat implements delivery.Leases.
func (d *DB) Heartbeat(ctx context.Context, owner, host string, now time.Time) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO processes (id, host, started, heartbeat) VALUES ($1, $2, $3, $3)
		ON CONFLICT (id) DO UPDATE SET heartbeat = $3`, owner, host, ts(now))
	return d.wrap(err)
}

// ClaimJob implements delivery.Leases: the job is this owner's if no live
// process holds it.
func (d *DB) ClaimJob(ctx context.Context, id, owner string, now, until time.Time) (bool, error) {
	res, err := d.db.ExecContext(ctx, `UPDATE jobs SET lease_owner = $1, lease_until = $2
		WHERE id = $3 AND (lease_owner = '' OR lease_owner = $1 OR lease_until < $4)`, owner, ts(until), id, ts(now))
	if err != nil {
		return false, d.wrap(err)
	}
	n, err := res.RowsAffected()
	return n == 1, d.wrap(err)
}

// ReleaseJob implements delivery.Leases.
func (d *DB) ReleaseJob(ctx context.Context, id, owner string) error {
	_, err := d.db.ExecContext(ctx, `UPDATE jobs SET lease_owner = '', lease_until = '' WHERE id = $1 AND lease_owner = $2`, id, owner)
	return d.wrap(err)
}

// ClaimDue implements delivery.Leases: the deliveries due now (pending,
// or left sending by a process whose heartbeat stopped before dead), each
// claimed for owner until until, in one transaction; on PostgreSQL rows
// another process is claiming are skipped, not waited for.
func (d *DB) ClaimDue(ctx context.Context, owner string, now, dead, until time.Time, limit int) ([]delivery.Delivery, error) {
	skip := ""
	if d.dialect.name == "postgres" {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	var out []delivery.Delivery
	err := d.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries
			WHERE (state = $1 AND next_attempt <= $2)
			   OR (state = $3 AND (next_attempt <= $2 OR lease_owner NOT IN (SELECT id FROM processes WHERE heartbeat >= $4)))
			ORDER BY next_attempt, id LIMIT $5`+skip,
			delivery.DeliveryPending, ts(now), delivery.DeliverySending, ts(dead), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			x, err := scanDelivery(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, *x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for i := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = $1, next_attempt = $2, lease_owner = $3 WHERE id = $4`,
				delivery.DeliverySending, ts(until), owner, out[i].ID); err != nil {
				return err
			}
			out[i].State, out[i].NextAttempt = delivery.DeliverySending, until
		}
		return nil
	})
	return out, d.wrap(err)
}

// Lock implements delivery.Leases: the named lock is owner's until until,
// unless another owner holds it and its time has not run out.
func (d *DB) Lock(ctx context.Context, name, owner string, now, until time.Time) (bool, error) {
	res, err := d.db.ExecContext(ctx, `INSERT INTO locks (name, owner, until_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET owner = $2, until_at = $3 WHERE locks.owner = $2 OR locks.until_at < $4`,
		name, owner, ts(until), ts(now))
	if err != nil {
		return false, d.wrap(err)
	}
	n, err := res.RowsAffected()
	return n == 1, d.wrap(err)
}

// Unlock implements delivery.Leases.
func (d *DB) Unlock(ctx context.Context, name, owner string) error {
	_, err := d.db.ExecContext(ctx, `DELETE FROM locks WHERE name = $1 AND owner = $2`, name, owner)
	return d.wrap(err)
}
