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
	var out []matcher.UpsertOutcome
	err := s.update(ctx, func(tx *bbolt.Tx) error {
		var err error
		out, err = upsertCourses(tx, courses, s.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("upsert courses: %w", err)
	}
	return out, nil
}

func upsertCourses(tx *bbolt.Tx, courses []matcher.Course, now time.Time) ([]matcher.UpsertOutcome, error) {
	return putDocs(tx.Bucket(bCourses), courses, now, func(c *matcher.Course) (string, []byte, error) {
		if err := store.PrepareCourse(c); err != nil {
			return "", nil, err
		}
		c.UpdatedAt = time.Time{}
		body, err := json.Marshal(c)
		if err != nil {
			return "", nil, fmt.Errorf("course %s: %w", c.ID, err)
		}
		return c.ID, body, nil
	}, nil, nil)
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
