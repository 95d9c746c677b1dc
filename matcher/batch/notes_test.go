package batch_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/batch"
	"github.com/urumqi-hrss/jobmatch/matcher/casework"
)

func TestPlanNotesSayWhatIsMissingBolt(t *testing.T)     { exercisePlanNotes(t, openBolt(t)) }
func TestPlanNotesSayWhatIsMissingPostgres(t *testing.T) { exercisePlanNotes(t, openPostgres(t)) }

// exercisePlanNotes: a 一人一策 proposal the nightly run stores says what
// is missing, and only that (issue 9: "a proposed plan that is complete,
// or says exactly what is missing"). The run proposed its posts from its
// own list after asking casework.Propose for the rest with none, and every
// stored proposal said "符合条件的岗位只有 0 个" beside its eight posts: a
// plan missing one course read "还需添加 1 门培训课程；…；符合条件的岗位只有
// 0 个". A posts note must now count the proposal's posts, and appear only
// when they are fewer than the plan's minimum.
func exercisePlanNotes(t *testing.T, st matcher.FullStore) {
	ctx := context.Background()
	fill(t, st)
	in := load(t, st)
	if _, err := batch.Run(ctx, st, in, batch.Options{Limit: 8, Chunk: 200, Log: quiet()}); err != nil {
		t.Fatal(err)
	}
	active, _ := activeGraduates(t, st)
	_, lists := runLists(t, st, ids(active))
	pol := in.Engine.Policy()
	plans, short := 0, 0
	for i := range active {
		g := &active[i]
		p, ok, err := casework.ProposalFromRun(lists[g.ID])
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			continue
		}
		plans++
		want := ""
		if len(p.Posts) < pol.Shortlist.PostsMin {
			want = fmt.Sprintf("符合条件的岗位只有 %d 个", len(p.Posts))
			short++
		}
		got := ""
		for _, n := range p.Notes {
			if strings.HasPrefix(n, "符合条件的岗位只有") {
				got = n
			}
		}
		if got != want {
			t.Errorf("graduate %s: %d posts proposed, posts note %q, want %q (notes %q)", g.ID, len(p.Posts), got, want, p.Notes)
		}
	}
	t.Logf("%d stored proposals, %d with fewer posts than %d", plans, short, pol.Shortlist.PostsMin)
	if plans == 0 {
		t.Fatal("the run stored no 一人一策 proposal")
	}
}
