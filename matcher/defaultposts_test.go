package matcher

import (
	"slices"
	"testing"
)

func TestDefaultPosts(t *testing.T) {
	for _, c := range []struct {
		name  string
		items []StoredRecommendation
		want  []string
	}{
		{"none", nil, nil},
		{"courses and plan items only", []StoredRecommendation{
			{PostID: "c1", Kind: KindCourse, Rank: 1},
			{PostID: "p9", Kind: KindJob, Rank: 2, Plan: true},
		}, nil},
		{"rank order, plan and courses out", []StoredRecommendation{
			{PostID: "p1", Kind: KindJob, Rank: 1},
			{PostID: "i2", Kind: KindInternship, Rank: 2},
			{PostID: "c3", Kind: KindCourse, Rank: 3},
			{PostID: "p4", Kind: KindJob, Rank: 4, Plan: true},
		}, []string{"p1", "i2"}},
		{"out of order", []StoredRecommendation{
			{PostID: "p3", Kind: KindJob, Rank: 3},
			{PostID: "p1", Kind: KindJob, Rank: 1},
			{PostID: "p2", Kind: KindInternship, Rank: 2},
		}, []string{"p1", "p2", "p3"}},
	} {
		if got := DefaultPosts(c.items); !slices.Equal(got, c.want) || (c.want == nil) != (got == nil) {
			t.Errorf("%s: DefaultPosts = %q, want %q", c.name, got, c.want)
		}
	}
}
