package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// copyUpsert is one table's bulk upsert: COPY the prepared rows into a
// temporary table, then one INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE
// the stored record differs, RETURNING (id, xmax = 0) to tell inserted
// from updated; a row not returned was unchanged. Posts, courses and
// graduates all go through it.
type copyUpsert[R any] struct {
	temp    string                    // temporary table, dropped at commit
	columns string                    // its column definitions
	names   []string                  // the columns COPY fills, in values' order
	values  func(ord int, r *R) []any // one row's values; ord is its position in the round
	id      func(r *R) string
	// insert moves the temporary table into the real one. Its $1 is the
	// rows' updated_at (NULL: the server's now()); it may take more
	// parameters, given per round by args from $2 on.
	insert string
	args   func(n int) []any // parameters of insert after $1 for a round of n rows; nil for none
}

// run writes rows in rounds that never hold an ID twice (see rounds).
func (u *copyUpsert[R]) run(ctx context.Context, tx pgx.Tx, rows []R, at *time.Time) ([]matcher.UpsertOutcome, error) {
	out := make([]matcher.UpsertOutcome, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = u.id(&rows[i])
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE `+u.temp+` (`+u.columns+`) ON COMMIT DROP`); err != nil {
		return nil, err
	}
	for _, idx := range rounds(len(rows), func(i int) string { return ids[i] }) {
		if _, err := tx.Exec(ctx, `TRUNCATE `+u.temp); err != nil {
			return nil, err
		}
		_, err := tx.CopyFrom(ctx, pgx.Identifier{u.temp}, u.names,
			pgx.CopyFromSlice(len(idx), func(j int) ([]any, error) { return u.values(j, &rows[idx[j]]), nil }))
		if err != nil {
			return nil, err
		}
		args := []any{at}
		if u.args != nil {
			args = append(args, u.args(len(idx))...)
		}
		res, err := tx.Query(ctx, u.insert, args...)
		if err != nil {
			return nil, err
		}
		if err := applyReturned(res, idx, ids, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}
