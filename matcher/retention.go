package matcher

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Run retention. Every nightly run stores every active graduate's list
// (about 30,000 lists, hundreds of MB on the embedded store, on the
// generated set): kept forever, a bureau running nightly fills its disk.
// The retention policy keeps the lists of the newest published runs and
// deletes the others' lists, keeping every run's record and report (a
// few KB each), so `runs list`, `runs show` and GET /v1/runs/{id} still
// tell what each run was, and say its lists were pruned.

// DefaultKeepRuns is how many published runs keep their lists by default:
// the served run, the previous one (the notification diff of the served
// run, `jobmatch runs diff`, reads both runs' lists), and one more, so
// that the diff of the run before (whose notifications may still be going
// out when the next run publishes, or be looked into the morning after)
// can still be exported for a day.
const DefaultKeepRuns = 3

// MinKeepRuns is the fewest published runs a policy may keep: the served
// run and the one before it, which its notification diff needs.
const MinKeepRuns = 2

// PruneTimeout bounds one prune, whoever asked for it (the batch after it
// publishes, a worker, `jobmatch runs prune`, POST /v1/runs/prune): a
// prune may wait for another prune, or for the readers of a run it
// deletes, and must not hold a finished batch or a request forever. One
// that runs out is finished by the next prune; the runs it marked are
// audited all the same.
const PruneTimeout = 10 * time.Minute

// PrunedRun is a run whose lists a prune deleted (or, dry, would delete).
type PrunedRun struct {
	ID        string    `json:"id"`
	Status    RunStatus `json:"status"`
	StartedAt time.Time `json:"started_at"`
	Lists     int       `json:"lists"` // graduates' lists deleted
	Bytes     int64     `json:"bytes"` // their stored size (sealed lists and plan items, keys included)
}

// PruneResult is what a prune did, or would do.
type PruneResult struct {
	Keep   int         `json:"keep"`
	DryRun bool        `json:"dry_run"`
	Pruned []PrunedRun `json:"pruned"`
	// Kept are the runs that keep their lists, newest first, with why.
	Kept []KeptRun `json:"kept"`
	// Note says what else happened (e.g. PostgreSQL's VACUUM refused);
	// empty when nothing did.
	Note string `json:"note,omitempty"`
}

// Totals are the lists a prune deleted (or would) and their stored size.
func (r *PruneResult) Totals() (lists int, bytes int64) {
	for _, p := range r.Pruned {
		lists += p.Lists
		bytes += p.Bytes
	}
	return lists, bytes
}

// PrunedIDs are the pruned runs' IDs, separated by spaces.
func (r *PruneResult) PrunedIDs() string {
	ids := make([]string, len(r.Pruned))
	for i, p := range r.Pruned {
		ids[i] = p.ID
	}
	return strings.Join(ids, " ")
}

// AuditRunsPrune is the audit log's action of a prune that deleted lists,
// whoever asked for it (`batch`, `worker`, `runs prune`, POST
// /v1/runs/prune).
const AuditRunsPrune = "runs.prune"

// AuditDetail is the audit entry's detail of a prune: the policy, the
// runs, the lists and the MB. "" when nothing is to be audited: a dry run,
// or a prune that deleted nothing.
func (r *PruneResult) AuditDetail() string {
	if r == nil || r.DryRun || len(r.Pruned) == 0 {
		return ""
	}
	lists, size := r.Totals()
	return fmt.Sprintf("keep %d: %s (%d lists, %d MB)", r.Keep, r.PrunedIDs(), lists, size>>20)
}

// KeptRun is a run a prune left as it was, and why.
type KeptRun struct {
	ID     string `json:"id"`
	Reason string `json:"reason"` // one of the Keep* reasons
}

// Why a run keeps its lists.
const (
	KeepServed  = "served"  // the current published run
	KeepNewest  = "newest"  // among the newest keep published runs
	KeepRunning = "running" // in progress (or killed, to be resumed)
	KeepRecent  = "recent"  // failed after the served run: kept for inspection until a later run is published
	KeepReading = "reading" // another reader (an export, a batch's diff, another process) is reading its lists
	KeepPruned  = "pruned"  // already pruned
)

// RunPruner deletes the lists of runs the retention policy no longer
// keeps. Both stores implement it.
type RunPruner interface {
	// PruneRuns deletes the lists (default lists and plan items) of every
	// run RetainedRuns does not keep, and of no run being read, and marks
	// those runs pruned (Run.PrunedAt), their records and reports kept.
	// With dryRun nothing changes and the result says what would go.
	// keep below MinKeepRuns is EINVALID. Lists left by a prune that was
	// interrupted are deleted by the next one.
	PruneRuns(ctx context.Context, keep int, dryRun bool) (*PruneResult, error)
}

// RetainedRuns applies the retention policy to runs (any order): it
// returns why each run kept keeps its lists, by ID; every run not in the
// map is to be pruned. It keeps the served run (current), every running
// run, the newest keep published runs (by start), every failed run that
// started after the served run, and runs already pruned (nothing left to
// do). reading reports runs being read: they are kept this time.
func RetainedRuns(runs []Run, current string, keep int, reading func(id string) bool) map[string]string {
	kept := map[string]string{}
	var served time.Time
	for _, r := range runs {
		if r.ID == current {
			served = r.StartedAt
		}
	}
	published := make([]Run, 0, len(runs))
	for _, r := range runs {
		switch {
		case !r.PrunedAt.IsZero():
			kept[r.ID] = KeepPruned
		case r.ID == current:
			kept[r.ID] = KeepServed
		case r.Status == RunRunning:
			kept[r.ID] = KeepRunning
		case r.Status == RunFailed && (current == "" || r.StartedAt.After(served)):
			kept[r.ID] = KeepRecent
		case r.Status == RunPublished:
			published = append(published, r)
		}
	}
	// Newest first; the served run counts as one of the keep.
	n := 0
	if current != "" && kept[current] == KeepServed {
		n = 1
	}
	slices.SortFunc(published, CompareRunsNewestFirst)
	for _, r := range published {
		if n < keep {
			kept[r.ID] = KeepNewest
			n++
		}
	}
	for _, r := range runs {
		if _, ok := kept[r.ID]; !ok && reading != nil && reading(r.ID) {
			kept[r.ID] = KeepReading
		}
	}
	return kept
}

// CompareRunsNewestFirst orders runs by start, newest first, then by ID
// descending: the order of RunInspector.Runs, for slices.SortFunc.
func CompareRunsNewestFirst(a, b Run) int {
	if c := b.StartedAt.Compare(a.StartedAt); c != 0 {
		return c
	}
	return cmp.Compare(b.ID, a.ID)
}

// CheckKeepRuns refuses a retention below MinKeepRuns.
func CheckKeepRuns(keep int) error {
	if keep < MinKeepRuns {
		return &Error{Code: EINVALID, Field: "keep",
			Message:   "保留的已发布批次不能少于 2 个：当前批次及其上一批次（通知名单的对比需要两者的名单）",
			MessageEN: "keep at least 2 published runs: the served run and the one before it (its notification diff reads both runs' lists)"}
	}
	return nil
}

// ErrRunPruned is the error for reading the lists of a run the retention
// policy pruned: EGONE, naming the run and when, and saying what is kept.
func ErrRunPruned(id string, at time.Time) *Error {
	when := at.UTC().Format("2006-01-02 15:04 UTC")
	return Errorf(EGONE, "推荐批次 %s 的名单已于 %s 按保留策略删除；该批次的记录和报告仍保留（jobmatch runs show --run %s）",
		"the lists of run %s were pruned by the retention policy at %s; the run's record and report are kept (jobmatch runs show --run %s)",
		id, when, id)
}
