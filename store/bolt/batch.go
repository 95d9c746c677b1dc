package bolt

import (
	"context"
	"fmt"

	"go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// PostsAndCourses returns those of ids that are posts and those that are
// courses, read in one transaction.
func (s *Store) PostsAndCourses(ctx context.Context, ids []string) (map[string]*matcher.Post, map[string]*matcher.Course, error) {
	posts, courses := map[string]*matcher.Post{}, map[string]*matcher.Course{}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		pb, cb := tx.Bucket(bPosts), tx.Bucket(bCourses)
		for _, id := range ids {
			if v := pb.Get([]byte(id)); v != nil {
				var p matcher.Post
				t, err := decodePostRecord(v, &p)
				if err != nil {
					return fmt.Errorf("post %s: %w", id, err)
				}
				p.UpdatedAt = t
				posts[id] = &p
			} else if v := cb.Get([]byte(id)); v != nil {
				var c matcher.Course
				t, err := decodeRecord(v, &c)
				if err != nil {
					return fmt.Errorf("course %s: %w", id, err)
				}
				c.UpdatedAt = t
				courses[id] = &c
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return posts, courses, nil
}

// ShortlistEditsOf returns each of graduateIDs' shortlist edits that has
// any, oldest first, read in one transaction.
func (s *Store) ShortlistEditsOf(ctx context.Context, graduateIDs []string) (map[string][]matcher.ShortlistEdit, error) {
	if s.keys == nil {
		return nil, store.ErrNoDataKey
	}
	out := map[string][]matcher.ShortlistEdit{}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		for _, id := range graduateIDs {
			es, err := readCase[matcher.ShortlistEdit](s, tx, bShortlist, id)
			if err != nil {
				return err
			}
			if len(es) > 0 {
				out[id] = es
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
