package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// PostsAndCourses returns those of ids that are posts and those that are
// courses: one query for the posts, one for the IDs that are not posts.
func (s *Store) PostsAndCourses(ctx context.Context, ids []string) (map[string]*matcher.Post, map[string]*matcher.Course, error) {
	valid := make([]string, 0, len(ids))
	for _, id := range ids {
		if store.ValidID(id) {
			valid = append(valid, id)
		}
	}
	posts, courses := map[string]*matcher.Post{}, map[string]*matcher.Course{}
	if len(valid) == 0 {
		return posts, courses, nil
	}
	ps, err := queryAll(ctx, s, "posts by id", docRow(scanPost), `SELECT doc, updated_at FROM posts WHERE id = ANY($1)`, valid)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range ps {
		posts[p.ID] = p
	}
	rest := valid[:0:0]
	for _, id := range valid {
		if posts[id] == nil {
			rest = append(rest, id)
		}
	}
	if len(rest) == 0 {
		return posts, courses, nil
	}
	cs, err := queryAll(ctx, s, "courses by id", docRow(scanCourse), `SELECT doc, updated_at FROM courses WHERE id = ANY($1)`, rest)
	if err != nil {
		return nil, nil, err
	}
	for _, c := range cs {
		courses[c.ID] = c
	}
	return posts, courses, nil
}

// ShortlistEditsOf returns each of graduateIDs' shortlist edits that has
// any, oldest first, in one query.
func (s *Store) ShortlistEditsOf(ctx context.Context, graduateIDs []string) (map[string][]matcher.ShortlistEdit, error) {
	es, err := queryAll(ctx, s, "shortlist edits of graduates", func(rows pgx.Rows) (matcher.ShortlistEdit, error) {
		return s.scanEdit(rows)
	}, `SELECT id, graduate_id, post_id, action, key_id, at, note, note_box, post_box FROM shortlist_edits
		WHERE graduate_id = ANY($1) ORDER BY graduate_id, n`, graduateIDs)
	if err != nil {
		return nil, err
	}
	out := map[string][]matcher.ShortlistEdit{}
	for _, e := range es {
		out[e.GraduateID] = append(out[e.GraduateID], e)
	}
	return out, nil
}
