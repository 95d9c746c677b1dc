package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/api/render"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// cmdRuns inspects the batch's runs: list them, show one's report, export
// one's lists or its changes since the previous run as CSV.
func (m *Main) cmdRuns(ctx context.Context, args []string) error {
	const want = "runs: want list, show, export, diff or prune"
	if len(args) == 0 {
		return &usageError{want}
	}
	switch args[0] {
	case "list":
		return m.runsList(ctx, args[1:])
	case "show":
		return m.runsShow(ctx, args[1:])
	case "export":
		return m.runsExport(ctx, args[1:], false)
	case "diff":
		return m.runsExport(ctx, args[1:], true)
	case "prune":
		return m.runsPrune(ctx, args[1:])
	}
	return &usageError{fmt.Sprintf("runs: unknown action %q; want list, show, export, diff or prune", args[0])}
}

var runStatusNames = map[matcher.RunStatus]string{matcher.RunRunning: "计算中", matcher.RunPublished: "已发布", matcher.RunFailed: "未完成"}

func (m *Main) runsList(ctx context.Context, args []string) error {
	fs := m.flags("runs list")
	limit := fs.Int("limit", 20, "runs to list, newest first (0: all)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := m.parseNoArgs(fs, args, "runs list"); err != nil {
		return err
	}
	st, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	runs, err := st.Runs(ctx, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, map[string]any{"runs": runs})
	}
	current := ""
	if r, err := st.LatestRun(ctx); err == nil {
		current = r.ID
	}
	rows := [][]string{{"批次", "状态", "开始", "结束", "毕业生", "名单有新岗位"}}
	for _, r := range runs {
		status := runStatusNames[r.Status]
		if r.ID == current {
			status += "（当前）"
		}
		if !r.PrunedAt.IsZero() {
			status += "（名单已清理）"
		}
		fresh := "—"
		if rep, err := st.RunReport(ctx, r.ID); err == nil && rep.Diff.Previous != "" {
			fresh = strconv.Itoa(rep.Diff.NewPosts)
		}
		rows = append(rows, []string{r.ID, status, stamp(r.StartedAt), stamp(r.FinishedAt), strconv.Itoa(r.Graduates), fresh})
	}
	return writeTable(m.Stdout, rows)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// resolveRun finds the run --run names.
func resolveRun(ctx context.Context, st matcher.FullStore, id string) (*matcher.Run, error) {
	if id == "" || id == "latest" {
		return st.LatestRun(ctx)
	}
	return st.Run(ctx, id)
}

// runFlag is the --run flag of runs show, export and diff.
func runFlag(fs *flag.FlagSet) *string {
	return fs.String("run", "latest", "the run: its ID (see jobmatch runs list) or latest, the published run")
}

// openRun opens the store and finds the run --run names in it.
func (m *Main) openRun(ctx context.Context, id string) (matcher.FullStore, *matcher.Run, error) {
	st, err := m.openStore(ctx)
	if err != nil {
		return nil, nil, err
	}
	run, err := resolveRun(ctx, st, id)
	return st, run, err
}

func (m *Main) runsShow(ctx context.Context, args []string) error {
	fs := m.flags("runs show")
	runID := runFlag(fs)
	asJSON := fs.Bool("json", false, "print the run and its report as JSON")
	english := fs.Bool("en", false, "the summary in English")
	if err := m.parseNoArgs(fs, args, "runs show"); err != nil {
		return err
	}
	st, run, err := m.openRun(ctx, *runID)
	if err != nil {
		return err
	}
	rep, err := st.RunReport(ctx, run.ID)
	if err != nil && matcher.ErrorCode(err) != matcher.ENOTFOUND {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, map[string]any{"run": run, "report": rep})
	}
	fmt.Fprintf(m.Stdout, "%s  %s  开始 %s  结束 %s  %d 名毕业生\n", run.ID, runStatusNames[run.Status], stamp(run.StartedAt), stamp(run.FinishedAt), run.Graduates)
	if !run.PrunedAt.IsZero() {
		fmt.Fprintf(m.Stdout, "名单已于 %s 按保留策略删除，不能再导出；摘要和报告保留。 (Lists pruned by the retention policy at %s; the summary and report are kept.)\n", stamp(run.PrunedAt), stamp(run.PrunedAt))
	}
	if rep == nil {
		fmt.Fprintln(m.Stdout, "（该批次没有报告：尚未完成、未完成即中断，或由较早的版本生成。）")
		return nil
	}
	lines := rep.Summary
	if *english {
		lines = rep.SummaryEN
	}
	for _, l := range lines {
		fmt.Fprintln(m.Stdout, "\n"+l)
	}
	fmt.Fprintln(m.Stdout)
	rows := [][]string{{"区（县）", "毕业生", "名单有岗位", "推荐位", "涉及岗位"}}
	for _, d := range rep.Districts {
		rows = append(rows, []string{d.Name, strconv.Itoa(d.Graduates), strconv.Itoa(d.WithPosts), strconv.Itoa(d.Slots), strconv.Itoa(d.PostsShown)})
	}
	return writeTable(m.Stdout, rows)
}

// runsExport writes a run's lists as CSV (graduate_id, rank, post_id,
// score, reasons), or with diff the posts new in each graduate's list
// since the previous published run (graduate_id, new_posts): whom to
// notify of what. Text cells are escaped against spreadsheet formulas.
func (m *Main) runsExport(ctx context.Context, args []string, diff bool) error {
	name := "runs export"
	if diff {
		name = "runs diff"
	}
	fs := m.flags(name)
	runID := runFlag(fs)
	out := fs.String("out", "", "write the CSV to this file (default: standard output)")
	if err := m.parseNoArgs(fs, args, name); err != nil {
		return err
	}
	st, run, err := m.openRun(ctx, *runID)
	if err != nil {
		return err
	}
	if !run.PrunedAt.IsZero() { // before --out is created
		return matcher.ErrRunPruned(run.ID, run.PrunedAt)
	}
	w, done, err := m.output(*out)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if diff {
		err = writeRunDiff(ctx, st, run, cw)
	} else {
		err = writeRunLists(ctx, st, run, cw)
	}
	if err == nil {
		cw.Flush()
		err = cw.Error()
	}
	return done(err)
}

// output opens --out (mode 0600), or standard output; done closes it,
// keeping the first error and removing a file left half-written.
func (m *Main) output(path string) (io.Writer, func(error) error, error) {
	if path == "" {
		return m.Stdout, func(err error) error { return err }, nil
	}
	// The lists name graduates beside posts (a 公益性岗位 says hardship):
	// the file is the operator's alone, as the store's files are.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err == nil {
		err = f.Chmod(0o600) // a file that was there keeps its mode otherwise
	}
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, nil, fmt.Errorf("--out: %w", err)
	}
	return f, func(err error) error {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	}, nil
}

func writeRunLists(ctx context.Context, st matcher.FullStore, run *matcher.Run, cw *csv.Writer) error {
	if err := cw.Write([]string{"graduate_id", "rank", "post_id", "score", "reasons"}); err != nil {
		return err
	}
	return st.EachRunList(ctx, run.ID, func(gr matcher.GraduateRecommendations) error {
		for _, it := range gr.Items {
			if it.Plan {
				continue // the 一人一策 proposal's extras are not the list
			}
			reasons, err := itemReasons(it)
			if err != nil {
				return fmt.Errorf("run %s, graduate %s, item %s: %w", run.ID, gr.GraduateID, it.PostID, err)
			}
			if err := cw.Write([]string{render.Escape(gr.GraduateID), strconv.Itoa(it.Rank), render.Escape(it.PostID),
				strconv.FormatFloat(it.Score, 'f', 4, 64), render.Escape(strings.Join(reasons, "；"))}); err != nil {
				return err
			}
		}
		return nil
	})
}

func itemReasons(sr matcher.StoredRecommendation) ([]string, error) {
	var it struct {
		Reasons []string `json:"reasons"`
	}
	if len(sr.Item) == 0 {
		return nil, nil
	}
	err := json.Unmarshal(sr.Item, &it)
	return it.Reasons, err
}

// writeRunDiff writes, for each graduate whose list holds posts the
// previous published run's list for them did not, those posts.
func writeRunDiff(ctx context.Context, st matcher.FullStore, run *matcher.Run, cw *csv.Writer) error {
	rep, err := st.RunReport(ctx, run.ID)
	if err != nil {
		return fmt.Errorf("run %s: report: %w", run.ID, err)
	}
	if rep.Diff.Previous == "" {
		return matcher.Errorf(matcher.ENOTFOUND, "批次 %s 没有可比较的上一批次", "run %s has no previous run to compare with", run.ID)
	}
	before := map[string][]string{}
	if err := st.EachRunList(ctx, rep.Diff.Previous, func(gr matcher.GraduateRecommendations) error {
		before[gr.GraduateID] = matcher.DefaultPosts(gr.Items)
		return nil
	}); err != nil {
		return err
	}
	if err := cw.Write([]string{"graduate_id", "previous_run", "new_posts"}); err != nil {
		return err
	}
	return st.EachRunList(ctx, run.ID, func(gr matcher.GraduateRecommendations) error {
		old, ok := before[gr.GraduateID]
		if !ok {
			return nil // new to the runs: their whole list is new, not a change
		}
		var added []string
		for _, p := range matcher.DefaultPosts(gr.Items) {
			if !slices.Contains(old, p) {
				added = append(added, p)
			}
		}
		if len(added) == 0 {
			return nil
		}
		return cw.Write([]string{render.Escape(gr.GraduateID), rep.Diff.Previous, render.Escape(strings.Join(added, " "))})
	})
}
