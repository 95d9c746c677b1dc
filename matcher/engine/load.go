package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Source is where Load reads posts and courses from; both stores are one.
type Source interface {
	EachPost(ctx context.Context, f matcher.PostFilter, fn func(*matcher.Post) error) error
	EachCourse(ctx context.Context, fn func(*matcher.Course) error) error
}

// HeldSource is a Source that already holds the posts open at a time (read
// ahead while other inputs loaded): Load builds over that slice instead of
// copying every post once more (each copy of the generated set's posts, grown
// by append, allocated about five times its 13 MB).
type HeldSource interface {
	Source
	// PostsOpenAt returns the posts EachPost gives for PostFilter{OpenAt:
	// t}, in that order, and false when it does not hold them. Load keeps
	// the slice (Snapshot.Posts) and does not change it.
	PostsOpenAt(t time.Time) ([]matcher.Post, bool)
}

// Snapshot is an engine with the posts and courses it was built over, at
// one decision time.
type Snapshot struct {
	Engine  *Engine
	Posts   []matcher.Post
	Courses []matcher.Course
	Now     time.Time // the decision time (Options.Now)
}

// Load reads the posts open at o.Now and every course from src and builds
// an engine over them: the engine `jobmatch serve` and `jobmatch
// recommend` answer from and the nightly batch runs over. o.Now must be
// set: a snapshot is taken at one decision time.
func Load(ctx context.Context, src Source, o Options) (*Snapshot, error) {
	if o.Now.IsZero() {
		return nil, errors.New("engine: load: Options.Now must be set")
	}
	s := &Snapshot{Now: o.Now}
	var held bool
	if h, ok := src.(HeldSource); ok {
		if ps, ok := h.PostsOpenAt(o.Now); ok {
			s.Posts, held = ps, true
		}
	}
	if !held {
		if err := src.EachPost(ctx, matcher.PostFilter{OpenAt: o.Now}, func(p *matcher.Post) error {
			s.Posts = append(s.Posts, *p)
			return nil
		}); err != nil {
			return nil, fmt.Errorf("engine: load posts: %w", err)
		}
	}
	if err := src.EachCourse(ctx, func(c *matcher.Course) error {
		s.Courses = append(s.Courses, *c)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("engine: load courses: %w", err)
	}
	e, err := New(s.Posts, s.Courses, o)
	if err != nil {
		return nil, fmt.Errorf("engine: build: %w", err)
	}
	s.Engine = e
	return s, nil
}
