package bolt

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// UpsertCourses writes courses in one transaction.
func (s *Store) UpsertCourses(ctx context.Context, courses []matcher.Course) ([]matcher.UpsertOutcome, error) {
	return upsertTx(s, ctx, "courses", courses, upsertCourses)
}

func upsertCourses(tx *bbolt.Tx, courses []matcher.Course, now time.Time) ([]matcher.UpsertOutcome, error) {
	return putDocs(tx.Bucket(bCourses), courses, now, docEncoder("course", store.PrepareCourse,
		func(c *matcher.Course) (string, *time.Time) { return c.ID, &c.UpdatedAt },
		func(c *matcher.Course) ([]byte, error) { return json.Marshal(c) }), nil, nil)
}

// Course returns one course; ENOTFOUND when missing.
func (s *Store) Course(ctx context.Context, id string) (*matcher.Course, error) {
	var c matcher.Course
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		v := tx.Bucket(bCourses).Get([]byte(id))
		if v == nil {
			return matcher.ErrNotFound("课程", id)
		}
		t, err := decodeRecord(v, &c)
		c.UpdatedAt = t
		return err
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// EachCourse calls fn for every course in ID order.
func (s *Store) EachCourse(ctx context.Context, fn func(*matcher.Course) error) error {
	return s.scan(ctx, bCourses, nil, func(k, v []byte) error {
		var c matcher.Course
		t, err := decodeRecord(v, &c)
		if err != nil {
			return fmt.Errorf("course %s: %w", k, err)
		}
		c.UpdatedAt = t
		return fn(&c)
	})
}
