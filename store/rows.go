package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// rowsPerStatement is how many rows one multi-row statement writes: a
// round trip to PostgreSQL for a hundred rows, not one for each (the
// statements of a batch's 1,000 deliveries took a second on PostgreSQL,
// one at a time).
const rowsPerStatement = 100

// values writes "($1, $2), ($3, $4)" (SQLite: "(?, ?), (?, ?)") for rows
// of cols parameters, numbered from 1; casts[i] wraps column i's placeholder in a CAST, so
// that PostgreSQL knows its type where no column gives it (VALUES in a
// FROM).
func (dl dialect) values(rows, cols int, casts map[int]string) string {
	var b strings.Builder
	b.Grow(rows * cols * 5)
	n := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := 0; c < cols; c++ {
			if c > 0 {
				b.WriteString(", ")
			}
			p := "?"
			if dl.numbered {
				p = "$" + strconv.Itoa(n)
			}
			if t, ok := casts[c]; ok {
				p = "CAST(" + p + " AS " + t + ")"
			}
			b.WriteString(p)
			n++
		}
		b.WriteByte(')')
	}
	return b.String()
}

// list writes "($first, ..., $first+n-1)" (SQLite: "(?, ..., ?)"), for
// IN.
func (dl dialect) list(first, n int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		if dl.numbered {
			b.WriteString("$" + strconv.Itoa(first+i))
		} else {
			b.WriteByte('?')
		}
	}
	b.WriteByte(')')
	return b.String()
}

// inChunks runs one statement per chunk of n rows, rowsPerStatement at a
// time, with the statement that query gives for a chunk's size and the
// arguments args gives for row i; it returns the rows affected.
func inChunks(ctx context.Context, tx *sql.Tx, n int, query func(rows int) string, args func(i int) []any) (int64, error) {
	var affected int64
	for from := 0; from < n; from += rowsPerStatement {
		to := min(from+rowsPerStatement, n)
		var all []any
		for i := from; i < to; i++ {
			all = append(all, args(i)...)
		}
		res, err := tx.ExecContext(ctx, query(to-from), all...)
		if err != nil {
			return affected, err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return affected, err
		}
		affected += k
	}
	return affected, nil
}
