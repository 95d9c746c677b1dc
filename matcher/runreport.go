package matcher

import "context"

// RunReport is what a batch run says about itself when it is published:
// the summary in plain sentences a bureau reads, and the figures behind
// them — coverage by channel and district, how list slots were spread over
// posts before and after the capacity pass, and what changed since the
// previous published run (whom to notify). It holds counts and post IDs,
// never personal data.
type RunReport struct {
	RunID string `json:"run_id"`
	// Summary is the report in sentences (Chinese, the bureau's); SummaryEN
	// says the same in English. A figure that got worse is named as the
	// price paid for what got better.
	Summary   []string `json:"summary"`
	SummaryEN []string `json:"summary_en"`

	Graduates int `json:"graduates"`  // active graduates, each with a list in the run
	WithPosts int `json:"with_posts"` // graduates whose list has at least one post
	ShortList int `json:"short_list"` // graduates whose list has fewer posts than the list length
	Limit     int `json:"limit"`      // the list length (posts per graduate)
	Posts     int `json:"posts"`      // open posts and internships the run could show
	Hardship  int `json:"hardship"`   // 一人一策 graduates (lists with a plan)

	Channels  []RunCoverage `json:"channels"`  // by the posts' channel
	Districts []RunCoverage `json:"districts"` // by the graduate's hukou district

	// Before is the spread of list slots by relevance alone, After as
	// published; MeanScoreLoss = Before.MeanScore − After.MeanScore is the
	// relevance the spreading costs.
	Before        RunExposure `json:"before"`
	After         RunExposure `json:"after"`
	MeanScoreLoss float64     `json:"mean_score_loss"`
	// Moved counts list items the capacity pass changed: posts that took
	// the place of a more relevant but crowded post (flagged in the item's
	// reasons).
	Moved int `json:"moved"`

	Diff RunDiff `json:"diff"`

	Shards         int     `json:"shards,omitempty"` // shards the run was computed in (0/1: one process)
	ElapsedSeconds float64 `json:"elapsed_seconds"`
	PairsPerSecond float64 `json:"pairs_per_second"` // graduates × open posts scored per second of the run
}

// RunCoverage is one channel's or district's share of a run.
type RunCoverage struct {
	Key        string `json:"key"`       // channel code or district name
	Name       string `json:"name"`      // the channel's Chinese name, or the district again
	Graduates  int    `json:"graduates"` // graduates with at least one such post (channels) or in the district (districts)
	WithPosts  int    `json:"with_posts"`
	Slots      int    `json:"slots"`       // list items
	PostsShown int    `json:"posts_shown"` // distinct posts in the lists
}

// RunExposure describes how a run's list slots are spread over posts.
type RunExposure struct {
	Lists        int     `json:"lists"`         // graduates' lists counted
	Slots        int     `json:"slots"`         // post items in them
	Posts        int     `json:"posts"`         // open posts that could be shown
	PostsShown   int     `json:"posts_shown"`   // posts in at least one list
	Max          int     `json:"max"`           // the most lists one post is in
	Top50Share   float64 `json:"top50_share"`   // share of all slots taken by the 50 most shown posts
	Gini         float64 `json:"gini"`          // inequality of the posts' exposures: 0 all equal, towards 1 all on one post
	OverCapacity int     `json:"over_capacity"` // posts in more lists than their budget (k × places left)
	Overflow     float64 `json:"overflow"`      // list slots beyond those budgets: Σ max(0, lists − k × places)
	MaxPerPlace  float64 `json:"max_per_place"` // the most lists per place left of one post
	MeanScore    float64 `json:"mean_score"`    // mean relevance score of the items
	Top          []Shown `json:"top,omitempty"` // the most shown posts
}

// Shown is one post's exposure in a run.
type Shown struct {
	PostID string `json:"post_id"`
	Places int    `json:"places"`
	Lists  int    `json:"lists"`
}

// RunDiff compares a run's lists with the previous published run's: the
// graduates whose list now holds posts it did not hold before are the ones
// to notify.
type RunDiff struct {
	Previous  string `json:"previous,omitempty"` // the run compared with; "" for the first run
	Compared  int    `json:"compared"`           // graduates in both runs
	Unchanged int    `json:"unchanged"`          // same posts in the same order
	Reordered int    `json:"reordered"`          // same posts, another order
	NewPosts  int    `json:"new_posts"`          // graduates with at least one post new to their list
	NewItems  int    `json:"new_items"`          // such new posts, summed
	Joined    int    `json:"joined"`             // graduates in this run only
	Left      int    `json:"left"`               // graduates in the previous run only (placed, employed, deleted …)
}

// RunInspector is what inspecting runs needs of a store: the runs, their
// lists and the reports the batch saved with them.
type RunInspector interface {
	// Runs returns up to limit runs, the most recently started first
	// (limit ≤ 0: all).
	Runs(ctx context.Context, limit int) ([]Run, error)
	// EachRunList calls fn with every graduate's list in a run, in
	// graduate ID order, items in rank order; ENOTFOUND for an unknown run.
	EachRunList(ctx context.Context, runID string, fn func(GraduateRecommendations) error) error
	// EachRunListDigest calls fn with every graduate's list in a run, in
	// graduate ID order, as the nightly diff reads the previous run: the
	// keyed digest of the default list's posts stored with the list when
	// it was made under the current data key (posts nil), or else (a list
	// saved before digests were kept, or under a previous key) the list's
	// default posts (jobs and internships, rank order; digest nil). Reading digests
	// only, the diff opens none of the lists that did not change.
	EachRunListDigest(ctx context.Context, runID string, fn func(graduateID string, digest []byte, posts []string) error) error
	// ListDigest is the digest a graduate's default list of these posts
	// (rank order) is stored with now: two lists of a graduate have the
	// same posts in the same order when their digests are equal.
	ListDigest(graduateID string, posts []string) []byte
	// RunListPosts calls fn with the posts of the default lists (jobs and
	// internships, rank order, not the plan's items) of the given graduates in a run, those of them
	// that have a list, in graduate ID order; ENOTFOUND for an unknown run.
	RunListPosts(ctx context.Context, runID string, graduateIDs []string, fn func(graduateID string, posts []string) error) error
	// RunListDigests is EachRunListDigest for the given graduates only
	// (those of them with a list in the run), and RunListsOf EachRunList:
	// a shard of a sharded run counts its own graduates' lists against
	// the previous run's without reading the whole of either run.
	// ENOTFOUND for an unknown run.
	RunListDigests(ctx context.Context, runID string, graduateIDs []string, fn func(graduateID string, digest []byte, posts []string) error) error
	RunListsOf(ctx context.Context, runID string, graduateIDs []string, fn func(GraduateRecommendations) error) error
	// HoldRun keeps a run's lists from every prune (as a reader of them,
	// KeepReading) until release is called: the nightly diff reads the
	// previous run's digests as it starts and the lists that changed when
	// it ends, and a prune between the two would leave it nothing to
	// compare with. EGONE when the run is pruned already, ENOTFOUND for
	// an unknown run. release may be called more than once.
	HoldRun(ctx context.Context, runID string) (release func(), err error)
	// SaveRunReport stores the run's report, replacing an earlier one.
	SaveRunReport(ctx context.Context, rep *RunReport) error
	// RunReport returns a run's report; ENOTFOUND when the run has none
	// (still running, failed, or written before reports).
	RunReport(ctx context.Context, runID string) (*RunReport, error)
}
