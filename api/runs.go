package api

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"reflect"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// RunReader reads the batch's runs: the published one whose lists are
// served (published.go), and every run with its report for inspection
// (GET /v1/runs, GET /v1/runs/{id}).
type RunReader interface {
	LatestRun(ctx context.Context) (*matcher.Run, error)
	DefaultListFor(ctx context.Context, graduateID string) (runID string, items []matcher.StoredRecommendation, err error)
	Run(ctx context.Context, id string) (*matcher.Run, error)
	Runs(ctx context.Context, limit int) ([]matcher.Run, error)
	RunReport(ctx context.Context, runID string) (*matcher.RunReport, error)
}

var runsPs = []param{{"limit", "integer", "runs to list, newest first, 1–100 (default 20)"}}

// runSummary is a run in the list: the run, whether it is the one served,
// and its report's sentences when it has one.
type runSummary struct {
	matcher.Run
	Current bool     `json:"current"`
	Summary []string `json:"summary,omitempty"`
	// ListsPruned: the retention policy deleted the run's lists (at
	// pruned_at); the run and its report are kept.
	ListsPruned bool `json:"lists_pruned"`
}

// listRuns answers GET /v1/runs.
func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) error {
	v, err := query(r, runsPs)
	if err != nil {
		return err
	}
	limit, err := intParam(v, "limit", 20, 1, maxLimit)
	if err != nil {
		return err
	}
	ctx := r.Context()
	runs, err := s.stores.Runs.Runs(ctx, limit)
	if err != nil {
		return err
	}
	current := ""
	if cur, err := s.stores.Runs.LatestRun(ctx); err == nil {
		current = cur.ID
	} else if matcher.ErrorCode(err) != matcher.ENOTFOUND {
		return err
	}
	out := make([]runSummary, 0, len(runs))
	for _, run := range runs {
		rs := runSummary{Run: run, Current: run.ID == current, ListsPruned: !run.PrunedAt.IsZero()}
		rep, err := s.stores.Runs.RunReport(ctx, run.ID)
		switch {
		case err == nil:
			rs.Summary = rep.Summary
		case matcher.ErrorCode(err) != matcher.ENOTFOUND:
			return err
		}
		out = append(out, rs)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"runs": out})
}

// getRun answers GET /v1/runs/{id}: the run and its report (null while it
// runs, or for a run that never finished); "latest" is the published run.
// lists_pruned says the retention policy deleted the run's lists (the
// report stays).
func (s *Server) getRun(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "推荐批次")
	if err != nil {
		return err
	}
	ctx := r.Context()
	var run *matcher.Run
	if id == "latest" {
		run, err = s.stores.Runs.LatestRun(ctx)
	} else {
		run, err = s.stores.Runs.Run(ctx, id)
	}
	if err != nil {
		return err
	}
	rep, err := s.stores.Runs.RunReport(ctx, run.ID)
	if err != nil && matcher.ErrorCode(err) != matcher.ENOTFOUND {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"run": run, "report": rep, "lists_pruned": !run.PrunedAt.IsZero()})
}

// pruneRequest is the body of POST /v1/runs/prune: `jobmatch runs prune
// --keep N [--dry-run]`. keep has no default here: a request that deletes
// says how many runs it keeps.
type pruneRequest struct {
	Keep   *int `json:"keep"`
	DryRun bool `json:"dry_run"`
}

// pruneRuns answers POST /v1/runs/prune: the retention policy applied by
// hand (matcher.RunPruner, the store call of `jobmatch runs prune`), its
// result as `runs prune --json` prints it. A prune that deleted lists is
// audited (runs.prune, as the command's) before it is answered; a dry run
// changes nothing and is not.
func (s *Server) pruneRuns(w http.ResponseWriter, r *http.Request) error {
	// keep and dry_run go in the body: a ?keep=… beside it would be
	// ignored without a word, so it is refused.
	if _, err := query(r, nil); err != nil {
		return err
	}
	var req pruneRequest
	if err := s.readInput(w, r, &req); err != nil {
		return err
	}
	if req.Keep == nil {
		return invalidField("keep", "请给出要保留名单的已发布批次数 keep（至少 2）", "keep is required: how many published runs keep their lists (at least 2)")
	}
	if err := matcher.CheckKeepRuns(*req.Keep); err != nil {
		return err
	}
	// The prune goes on when the client hangs up: stopped half-way, it
	// would have deleted lists that no audit entry accounts for (the next
	// prune would finish it, unasked). It has a deadline of its own: it
	// may wait for another prune, or for the readers of a partition it
	// detaches, and must not hold the request (and a connection) forever.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), matcher.PruneTimeout)
	defer cancel()
	res, err := s.stores.Retention.PruneRuns(ctx, *req.Keep, req.DryRun)
	// A prune that failed part-way may have marked runs pruned already:
	// those are audited before the error is answered.
	if detail := res.AuditDetail(); detail != "" {
		if aerr := s.audit(r, matcher.AuditRunsPrune, detail, ""); aerr != nil {
			return errors.Join(err, aerr)
		}
		lists, size := res.Totals()
		s.log.Info("old runs pruned", "keep", res.Keep, "runs", res.PrunedIDs(), "lists", lists, "mb", size>>20, "note", res.Note)
	}
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// The runs endpoints' shapes, added to the document's components.
func init() {
	run := schemaOf(reflect.TypeFor[matcher.Run](), nil)
	listed := schemaOf(reflect.TypeFor[runSummary](), nil)
	// runSummary embeds Run: its fields are the run's, inline.
	props := listed["properties"].(map[string]any)
	delete(props, "Run")
	maps.Copy(props, run["properties"].(map[string]any))
	report := schemaOf(reflect.TypeFor[matcher.RunReport](), nil)
	report["nullable"] = true
	prune := schemaOf(reflect.TypeFor[matcher.PruneResult](), nil)
	maps.Copy(schemas, map[string]any{
		"PruneRequest": obj(map[string]any{
			"keep":    map[string]any{"type": "integer", "minimum": matcher.MinKeepRuns, "description": "how many of the newest published runs keep their lists (the served run counts as one)"},
			"dry_run": map[string]any{"type": "boolean", "description": "say which runs' lists would be deleted, and delete nothing"},
		}, "keep"),
		"PruneResult": prune,
		"RunList":     obj(map[string]any{"runs": arrayOf(listed)}),
		"RunDetail":   obj(map[string]any{"run": run, "report": report, "lists_pruned": map[string]any{"type": "boolean"}}),
	})
}
