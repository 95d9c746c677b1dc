package batch

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Summary reports a finished run.
type Summary struct {
	RunID     string `json:"run_id"`
	Resumed   bool   `json:"resumed"`
	Graduates int    `json:"graduates"` // active graduates, all in the run
	Computed  int    `json:"computed"`  // lists computed by this attempt
	Skipped   int    `json:"skipped"`   // lists an earlier attempt had saved
	Hardship  int    `json:"hardship"`  // 一人一策 lists computed by this attempt
	Courses   int    `json:"courses"`   // course items in them
	Posts     int    `json:"posts"`     // open posts the engine held
	// Before is the exposure of the engine's lists by relevance alone,
	// After of the published lists; both over this attempt's lists.
	Before, After Exposure
	// RelevanceLoss is Before.MeanScore - After.MeanScore: what the
	// capacity pass costs in mean item score.
	RelevanceLoss float64 `json:"relevance_loss"`
	// Prices: sample size, adjustment rounds and estimated overflow.
	Sample          int           `json:"sample"`
	PriceRounds     int           `json:"price_rounds"`
	OverflowBefore  float64       `json:"overflow_before"`
	OverflowAfter   float64       `json:"overflow_after"`
	PricingElapsed  time.Duration `json:"pricing_elapsed"`
	Elapsed         time.Duration `json:"elapsed"`
	GraduatesPerSec float64       `json:"graduates_per_sec"` // computed lists per second of the whole attempt
	// Report is the report saved with the run (matcher.RunReport).
	Report *matcher.RunReport `json:"report,omitempty"`
}

// String renders a summary: one line of counts and time, then the run
// report's sentences (no personal data; every figure explained).
func (s *Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "run %s published: %d graduates (%d computed, %d resumed from an earlier attempt, %d 一人一策 with %d courses) over %d open posts in %s (%.1f graduates/s)",
		s.RunID, s.Graduates, s.Computed, s.Skipped, s.Hardship, s.Courses, s.Posts, s.Elapsed.Round(time.Millisecond), s.GraduatesPerSec)
	if s.Report != nil {
		for _, line := range s.Report.Summary {
			b.WriteString("\n")
			b.WriteString(line)
		}
	}
	return b.String()
}

// topShown lists the five most shown posts.
func topShown(counts []int, posts []*matcher.Post) []Shown {
	idx := make([]int, len(counts))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(counts[b], counts[a]) })
	var out []Shown
	for _, i := range idx[:min(5, len(idx))] {
		out = append(out, Shown{PostID: posts[i].ID, Places: posts[i].PlacesLeft(), Lists: counts[i]})
	}
	return out
}

func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }
