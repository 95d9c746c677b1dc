package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
)

// Run retention: after each published run (`batch`, the worker that
// publishes a sharded run) and by hand (`runs prune`), the lists of the
// runs the policy no longer keeps are deleted (matcher.RetainedRuns), each
// prune that deletes anything written to the audit log. `compact` gives
// the embedded store's freed pages back to the disk.

// keepRunsEnv sets --keep-runs's default for batch, worker and runs prune.
const keepRunsEnv = "JOBMATCH_KEEP_RUNS"

// keepRunsFlag is --keep-runs of batch and worker.
func keepRunsFlag(fs *flag.FlagSet) *int {
	return fs.Int("keep-runs", defaultKeepRuns(), fmt.Sprintf("after publishing, keep the lists of this many newest published runs (at least %d: the served run and the one its notification diff reads; default $%s or %d) and prune the older runs' lists, keeping their reports; 0: keep every run's lists",
		matcher.MinKeepRuns, keepRunsEnv, matcher.DefaultKeepRuns))
}

// defaultKeepRuns is $JOBMATCH_KEEP_RUNS, else matcher.DefaultKeepRuns (a
// value that is not a number is refused by checkKeepRuns).
func defaultKeepRuns() int { return intEnv(keepRunsEnv, matcher.DefaultKeepRuns) }

// intEnv is the number in the environment variable name, def when it is
// unset or empty, and -1 when it is not a number (the flags it is the
// default of take counts from 0 or 1, so the check of the flag's value
// refuses it, naming the variable).
func intEnv(name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	if n, err := strconv.Atoi(v); err == nil {
		return n
	}
	return -1
}

// checkKeepRuns refuses a --keep-runs of 1 or less (0 is off) before a
// run starts, not after it published.
func checkKeepRuns(command string, keep int, off bool) error {
	if off && keep == 0 {
		return nil
	}
	if err := matcher.CheckKeepRuns(keep); err != nil {
		if v := os.Getenv(keepRunsEnv); keep == -1 && v != "" {
			if _, nerr := strconv.Atoi(v); nerr != nil { // what defaultKeepRuns could not read
				return &usageError{fmt.Sprintf("%s: $%s=%q is not a number of runs", command, keepRunsEnv, v)}
			}
		}
		return &usageError{fmt.Sprintf("%s --keep-runs %d (or $%s): %s", command, keep, keepRunsEnv, err.(*matcher.Error).MessageEN)}
	}
	return nil
}

// pruneAfterPublish applies the retention policy after a run is
// published. The run is published whatever happens here, so a failed
// prune is logged as an error (the next run's prune, or `runs prune`,
// deletes what this one left) rather than failing the command.
func (m *Main) pruneAfterPublish(ctx context.Context, st matcher.FullStore, keep int, client string) {
	if keep == 0 {
		return
	}
	if m.DBURL == "" {
		// The prune walks the pruned runs' pages of the embedded store's
		// map (about 300 MB a run on the generated set), which count in the
		// process's resident memory: the run's heap, no longer used, goes
		// back to the system first, so the two do not add up to a new peak
		// (benchmarks/RESULTS.md, issue 11, helper retention).
		debug.FreeOSMemory()
	}
	// A prune that failed part-way may have marked (and deleted) runs' lists
	// already: those are audited whatever the error.
	res, err := pruneRuns(ctx, st, keep, false)
	err = errors.Join(err, m.auditPrune(ctx, st, res, client))
	if err != nil {
		m.Log.Error("pruning old runs failed; the run is published and the next prune deletes what is left", "keep", keep, "err", err)
		return
	}
	if len(res.Pruned) > 0 || res.Note != "" {
		lists, size := res.Totals()
		m.Log.Info("old runs pruned", "keep", keep, "runs", res.PrunedIDs(), "lists", lists, "mb", size>>20, "note", res.Note)
	}
}

// pruneRuns is the store's prune within matcher.PruneTimeout: a prune
// waiting on another one's advisory lock, or on a reader of the lists it
// deletes, gives up instead of holding the batch that published (or the
// operator's terminal) forever.
func pruneRuns(ctx context.Context, st matcher.RunPruner, keep int, dryRun bool) (*matcher.PruneResult, error) {
	ctx, cancel := context.WithTimeout(ctx, matcher.PruneTimeout)
	defer cancel()
	return st.PruneRuns(ctx, keep, dryRun)
}

// auditPrune writes a prune that deleted lists to the audit log, as the
// administrators' other changes are (no key: the operator ran a command).
func (m *Main) auditPrune(ctx context.Context, st matcher.AuditStore, res *matcher.PruneResult, client string) error {
	detail := res.AuditDetail()
	if detail == "" {
		return nil
	}
	if err := st.Audit(ctx, matcher.AuditEntry{Action: matcher.AuditRunsPrune, Client: client, Detail: detail}); err != nil {
		return fmt.Errorf("audit the prune: %w", err)
	}
	return nil
}

var keepReasons = map[string]string{
	matcher.KeepServed:  "当前发布（served）",
	matcher.KeepNewest:  "最近发布（newest）",
	matcher.KeepRunning: "计算中（running）",
	matcher.KeepRecent:  "当前批次之后失败，留待查看（failed after the served run）",
	matcher.KeepReading: "正被读取（being read）",
}

// runsPrune is `jobmatch runs prune`: the policy applied by hand, or with
// --dry-run only said.
func (m *Main) runsPrune(ctx context.Context, args []string) error {
	fs := m.flags("runs prune")
	keep := fs.Int("keep", defaultKeepRuns(), fmt.Sprintf("keep the lists of this many newest published runs (at least %d; default $%s or %d)", matcher.MinKeepRuns, keepRunsEnv, matcher.DefaultKeepRuns))
	dry := fs.Bool("dry-run", false, "say which runs' lists would be deleted, and delete nothing")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := m.parseNoArgs(fs, args, "runs prune"); err != nil {
		return err
	}
	if err := checkKeepRuns("runs prune", *keep, false); err != nil {
		return err
	}
	st, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	res, err := pruneRuns(ctx, st, *keep, *dry)
	// audited even when the prune failed part-way: what it marked is gone
	if err := errors.Join(err, m.auditPrune(ctx, st, res, "jobmatch runs prune")); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, res)
	}
	return m.printPrune(res)
}

func (m *Main) printPrune(res *matcher.PruneResult) error {
	verb := "已删除名单 (pruned)"
	if res.DryRun {
		verb = "将删除名单 (would prune; dry run, nothing deleted)"
	}
	lists, size := res.Totals()
	fmt.Fprintf(m.Stdout, "保留最近 %d 个已发布批次的名单 (keep %d)。%s：%d 个批次，%d 份名单，%.1f MB\n", res.Keep, res.Keep, verb, len(res.Pruned), lists, float64(size)/(1<<20))
	rows := [][]string{{"批次", "状态", "开始", "名单", "MB", ""}}
	for _, p := range res.Pruned {
		rows = append(rows, []string{p.ID, runStatusNames[p.Status], stamp(p.StartedAt), strconv.Itoa(p.Lists), fmt.Sprintf("%.1f", float64(p.Bytes)/(1<<20)), "删除 (prune)"})
	}
	for _, k := range res.Kept {
		rows = append(rows, []string{k.ID, "", "", "", "", "保留：" + keepReasons[k.Reason]})
	}
	if err := writeTable(m.Stdout, rows); err != nil {
		return err
	}
	if res.Note != "" {
		fmt.Fprintln(m.Stdout, res.Note)
	}
	if !res.DryRun && len(res.Pruned) > 0 && m.DBURL == "" {
		fmt.Fprintln(m.Stdout, "嵌入式存储的文件不会变小，释放的空间由之后的批次重用；要归还磁盘空间，停止服务后运行 jobmatch compact。 (The embedded store's file does not shrink: later runs reuse the freed pages; `jobmatch compact`, with the service stopped, gives the space back.)")
	}
	return nil
}

// cmdCompact is `jobmatch compact`: the embedded store's file rewritten
// with its live data only (bolt.Compact), the store closed.
func (m *Main) cmdCompact(ctx context.Context, args []string) error {
	fs := m.flags("compact")
	quiet := fs.Bool("quiet", false, "no progress bar (there is none anyway when standard error is not a terminal)")
	if err := m.parseNoArgs(fs, args, "compact"); err != nil {
		return err
	}
	if m.DBURL != "" {
		return &usageError{"compact: the embedded store only; PostgreSQL drops a pruned run's partitions, which gives their space back to the disk at once"}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	path := filepath.Join(m.DataDir, "jobmatch.db")
	var bar *progressBar
	var progress func(done, total int64)
	if !*quiet {
		bar = m.newProgress("compact", "MB")
	}
	if bar != nil {
		progress = func(done, total int64) { bar.update(int(done>>20), int(total>>20)) }
	}
	res, err := bolt.Compact(path, progress)
	bar.finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s: %.1f MB → %.1f MB in %.1f s\n", path, float64(res.Before)/(1<<20), float64(res.After)/(1<<20), res.Elapsed.Seconds())
	return nil
}
