package casework

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestStoreProposalIsEncodingJSON: the stored plan items are
// encoding/json's bytes of each item with its rank in its part, the
// listed posts left out, the alternates an array ("[]" when there are
// none); a NaN score is refused as encoding/json refuses it.
func TestStoreProposalIsEncodingJSON(t *testing.T) {
	item := func(id string, kind matcher.Kind, score float64) matcher.Item {
		return matcher.Item{PostID: id, Kind: kind, Score: score, Title: "会计 <助理> & 出纳", Employer: "乌鲁木齐\u2028公司",
			Reasons: []string{"专业对口：会计学", "bad \xff"}, Contributions: matcher.Contributions{{Feature: "major", Value: 0.5}, {Feature: "text", Value: 1e-7}},
			Salary: matcher.Salary{Raw: "4000-6000元/月", Min: 4000, Max: 6000, Negotiable: true}}
	}
	for _, alts := range [][]matcher.Item{nil, {}, {item("A1", matcher.KindJob, 2.5), item("A2", matcher.KindJob, 1)}} {
		p := &matcher.Proposal{
			Posts:       []matcher.Item{item("P1", matcher.KindJob, 9), item("P2", matcher.KindJob, 8), item("P3", matcher.KindJob, 7)},
			Internships: []matcher.Item{item("I1", matcher.KindInternship, 3)},
			Courses:     []matcher.Item{item("C1", matcher.KindCourse, 1), item("C2", matcher.KindCourse, 0.5)},
			Notes:       []string{"暂无可参加的就业见习岗位"},
			Alternates:  alts,
		}
		got, err := StoreProposal(p, map[string]bool{"P2": true})
		if err != nil {
			t.Fatal(err)
		}
		var want []matcher.StoredRecommendation
		for _, part := range [][]matcher.Item{{p.Posts[0], p.Posts[2]}, p.Internships, p.Courses} {
			for k, it := range part {
				it.Rank = k + 1
				b, _ := json.Marshal(it)
				want = append(want, matcher.StoredRecommendation{PostID: it.PostID, Kind: it.Kind, Rank: it.Rank, Score: it.Score, Item: b, Plan: true})
			}
		}
		notes, _ := json.Marshal(p.Notes)
		want = append(want, matcher.StoredRecommendation{PostID: notesID, Kind: notesKind, Item: notes, Plan: true})
		a := alts
		if a == nil {
			a = []matcher.Item{}
		}
		ab, _ := json.Marshal(a)
		want = append(want, matcher.StoredRecommendation{PostID: alternatesID, Kind: alternatesKind, Item: ab, Plan: true})
		if len(got) != len(want) {
			t.Fatalf("%d stored items, want %d", len(got), len(want))
		}
		for i := range want {
			g, w := got[i], want[i]
			if g.PostID != w.PostID || g.Kind != w.Kind || g.Rank != w.Rank || g.Score != w.Score || g.Plan != w.Plan || !bytes.Equal(g.Item, w.Item) {
				t.Fatalf("item %d: %+v\n(item %s)\nwant %+v\n(item %s)", i, g, g.Item, w, w.Item)
			}
		}
	}
	bad := &matcher.Proposal{Courses: []matcher.Item{item("C1", matcher.KindCourse, math.NaN())}}
	if _, err := StoreProposal(bad, nil); err == nil {
		t.Fatal("a NaN score stored without an error")
	}
}
