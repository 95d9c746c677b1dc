package matcher

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"time"
)

// RunStatus is where a batch run is.
type RunStatus string

const (
	RunRunning   RunStatus = "running"
	RunPublished RunStatus = "published"
	RunFailed    RunStatus = "failed"
)

// Run is one nightly batch: every active graduate × every open post.
type Run struct {
	ID         string    `json:"id"` // filled in when empty
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at,omitempty"`
	Status     RunStatus `json:"status"`
	Graduates  int       `json:"graduates"` // graduates with saved recommendations
	Note       string    `json:"note,omitempty"`
	// PrunedAt is when the retention policy (RunPruner) deleted the run's
	// lists; zero while they are kept. The run itself (this record, with
	// Graduates as it was) and its report stay: a pruned run is still
	// listed and shown, but its lists can no longer be exported or served.
	PrunedAt time.Time `json:"pruned_at,omitzero"`
}

// StoredRecommendation is one item of a graduate's list in a run. Item is
// the full recommendation as the matcher produced it (JSON), so stores need
// not know its shape; the other fields are what stores query on.
type StoredRecommendation struct {
	PostID string          `json:"post_id"` // post or course ID
	Kind   Kind            `json:"kind"`
	Rank   int             `json:"rank"` // 1-based
	Score  float64         `json:"score"`
	Item   json.RawMessage `json:"item,omitempty"`
	// Plan marks an item stored only for a 一人一策 proposal (reserve
	// posts, internships and courses beyond the graduate's default list):
	// it is never served as part of the default list.
	Plan bool `json:"plan,omitempty"`
}

// InDefaultList reports whether a stored item of this kind, in a
// 一人一策 plan or not, is one of the posts of the graduate's default list
// as served: a job or internship that is not a plan's extra. These are the
// posts the nightly diff compares from run to run and `runs diff` reports.
func InDefaultList(kind Kind, plan bool) bool {
	return !plan && (kind == KindJob || kind == KindInternship)
}

// DefaultPosts is the post IDs of a list's items InDefaultList keeps, in
// rank order (stably; a run writes its items in rank order already), nil
// when there are none.
func DefaultPosts(items []StoredRecommendation) []string {
	type ranked struct {
		rank int
		id   string
	}
	var refs []ranked
	for _, it := range items {
		if InDefaultList(it.Kind, it.Plan) {
			refs = append(refs, ranked{it.Rank, it.PostID})
		}
	}
	if len(refs) == 0 {
		return nil
	}
	byRank := func(x, y ranked) int { return cmp.Compare(x.rank, y.rank) }
	if !slices.IsSortedFunc(refs, byRank) {
		slices.SortStableFunc(refs, byRank)
	}
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.id
	}
	return out
}

// GraduateRecommendations is one graduate's list in a run.
type GraduateRecommendations struct {
	GraduateID string                 `json:"graduate_id"`
	Items      []StoredRecommendation `json:"items"`
	// Encoded says that every item's Item is JSON in the form
	// encoding/json writes it (compact, HTML-escaped, valid UTF-8), as the
	// nightly batch writes them (matcher/itemjson): a store seals them as
	// they are instead of checking each again (that check was 3% of a
	// run). Never stored; false: the store checks.
	Encoded bool `json:"-"`
}

// RunWriter is what the nightly batch needs of the store: it creates a
// run, saves lists chunk by chunk and publishes the run. PublishRun flips
// one pointer in one transaction, so a half-written run is never visible
// and the previous run serves until the flip.
type RunWriter interface {
	// CreateRun stores a new run with Status running (ID and StartedAt are
	// filled in when empty).
	CreateRun(ctx context.Context, r *Run) error
	// SaveRecommendations stores the lists of several graduates in one
	// transaction, replacing any earlier list of the same graduate in that
	// run (so re-saving a chunk after a crash is harmless). ENOTFOUND for
	// an unknown run, ECONFLICT for a run that is no longer running.
	SaveRecommendations(ctx context.Context, runID string, recs []GraduateRecommendations) error
	// RunGraduateIDs returns the IDs of graduates already saved in the run,
	// sorted, so a killed run can resume where it stopped.
	RunGraduateIDs(ctx context.Context, runID string) ([]string, error)
	// RunGraduateIDsIn is RunGraduateIDs for the IDs in [from, to) only
	// (to "" is unbounded): what a shard of a sharded run saved of its own
	// slice of the ledger, read through the run's index.
	RunGraduateIDsIn(ctx context.Context, runID, from, to string) ([]string, error)
	// PublishRun marks the run published and makes it the current run, in
	// one transaction.
	PublishRun(ctx context.Context, runID string) error
	// FailRun marks a running run failed, with a note why.
	FailRun(ctx context.Context, runID, note string) error
	// Run returns a run by ID; ENOTFOUND when there is none.
	Run(ctx context.Context, id string) (*Run, error)
}

// RunReader is what serving published lists needs: readers only ever see
// the published run.
type RunReader interface {
	// Run returns a run by ID; LatestRun the current (published) one.
	// ENOTFOUND when there is none.
	Run(ctx context.Context, id string) (*Run, error)
	LatestRun(ctx context.Context) (*Run, error)
	// RecommendationsFor returns the graduate's list in the current run,
	// in rank order, and the run's ID. An empty list (not an error) when
	// the graduate has none; ENOTFOUND when no run is published.
	RecommendationsFor(ctx context.Context, graduateID string) (runID string, items []StoredRecommendation, err error)
	// DefaultListFor is RecommendationsFor without the 一人一策 plan's
	// items, which are stored apart under a box of their own: what the
	// published path serves, which would open that box for nothing.
	DefaultListFor(ctx context.Context, graduateID string) (runID string, items []StoredRecommendation, err error)
}

// RunStore persists batch runs: both sides.
type RunStore interface {
	RunWriter
	RunReader
	RunInspector
}
