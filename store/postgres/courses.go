package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

type courseRow struct {
	id, source, externalID string
	doc                    []byte
}

func prepareCourses(courses []matcher.Course) ([]courseRow, error) {
	rows := make([]courseRow, len(courses))
	for i := range courses {
		c := courses[i]
		if err := store.PrepareCourse(&c); err != nil {
			return nil, err
		}
		c.UpdatedAt = time.Time{}
		doc, err := json.Marshal(&c)
		if err != nil {
			return nil, fmt.Errorf("course %s: %w", c.ID, err)
		}
		rows[i] = courseRow{c.ID, c.Source, c.ExternalID, doc}
	}
	return rows, nil
}

// UpsertCourses writes courses in one transaction (COPY, then upsert).
func (s *Store) UpsertCourses(ctx context.Context, courses []matcher.Course) ([]matcher.UpsertOutcome, error) {
	rows, err := prepareCourses(courses)
	if err != nil {
		return nil, err
	}
	return writeTx(ctx, s, "upsert courses", rows, upsertCourses)
}

var courseUpsert = copyUpsert[courseRow]{
	temp:    "jm_tmp_courses",
	columns: `id text COLLATE "C", source text COLLATE "C", external_id text COLLATE "C", doc jsonb`,
	names:   []string{"id", "source", "external_id", "doc"},
	values:  func(_ int, r *courseRow) []any { return []any{r.id, r.source, r.externalID, r.doc} },
	id:      func(r *courseRow) string { return r.id },
	insert: `INSERT INTO courses AS c (id, source, external_id, doc, updated_at)
		SELECT id, source, external_id, doc, coalesce($1::timestamptz, now()) FROM jm_tmp_courses
		ON CONFLICT (source, external_id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at
		WHERE c.doc IS DISTINCT FROM excluded.doc
		RETURNING c.id, (c.xmax = 0)`,
}

func upsertCourses(ctx context.Context, tx pgx.Tx, rows []courseRow, at *time.Time) ([]matcher.UpsertOutcome, error) {
	return courseUpsert.run(ctx, tx, rows, at)
}

func scanCourse(doc []byte, updated time.Time) (*matcher.Course, error) {
	var c matcher.Course
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, err
	}
	c.UpdatedAt = updated
	return &c, nil
}

// Course returns one course; ENOTFOUND when missing.
func (s *Store) Course(ctx context.Context, id string) (*matcher.Course, error) {
	return getDoc(ctx, s, "课程", "course", `SELECT doc, updated_at FROM courses WHERE id = $1`, id,
		func(c *matcher.Course, t time.Time) { c.UpdatedAt = t })
}

// EachCourse walks every course in ID order.
func (s *Store) EachCourse(ctx context.Context, fn func(*matcher.Course) error) error {
	return eachPage(ctx, s, "each course", docRow(scanCourse), func(c *matcher.Course) string { return c.ID },
		func(*matcher.Course) bool { return true }, fn,
		`SELECT doc, updated_at FROM courses WHERE id > $1 ORDER BY id LIMIT $2`,
		func(after string) []any { return []any{after, pageSize} })
}
