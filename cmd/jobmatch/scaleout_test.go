package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
)

// TestWorkersKilledMidRun: a run queued in four shards on PostgreSQL and
// worked by two `jobmatch worker` processes, one of them killed (SIGKILL)
// while it holds a shard with lists already saved, is published with
// exactly the lists of the same run computed in one process: River's
// rescuer hands the dead worker's shard to the other worker, which
// resumes it. Each shard reads its slice of the ledger, stored with it by
// the coordinator. Then a run queued as before schema version 12 (its
// shards without slices) is completed by a worker of this version the way
// it started: each shard finds its graduates by hash among all.
func TestWorkersKilledMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("processes and PostgreSQL")
	}
	db, cfg := pgtest.SchemaURL(t)
	dir := t.TempDir()
	gen := filepath.Join(dir, "gen")
	day := "--now=2023-06-15"
	if code, _, errs := run(t, "", "migrate", "--db", db); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	if code, _, errs := run(t, "", "gen", "--out", gen, "--posts", "1200", "--graduates", "1200", "--courses", "20", "--seed", "3"); code != 0 {
		t.Fatalf("gen: %s", errs)
	}
	for _, entity := range []string{"courses", "posts", "graduates"} {
		if code, _, errs := run(t, "", "ingest", "--db", db, "--data", filepath.Join(dir, "data"), day, "--quiet", entity, filepath.Join(gen, entity+".csv")); code != 0 {
			t.Fatalf("ingest %s: %s", entity, errs)
		}
	}
	// The same run in one process, for comparison.
	if code, out, errs := run(t, "", "batch", "--db", db, day, "--quiet"); code != 0 || !strings.HasPrefix(out, "run batch-20230615 published") {
		t.Fatalf("one-process batch: exit %d, %q, %s", code, out, errs)
	}
	code, out, errs := run(t, "", "batch", "--db", db, day, "--shards", "4", "--quiet")
	if code != 0 || !strings.HasPrefix(out, "run batch-20230615-2 queued in 4 shards") {
		t.Fatalf("queue: exit %d, %q, %s", code, out, errs)
	}
	keys, err := dataKeys()
	if err != nil {
		t.Fatal(err)
	}
	st, err := postgres.OpenConfig(context.Background(), cfg.Copy(), keys)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	a, b := startWorker(t, dir, db, "a"), startWorker(t, dir, db, "b")
	heldJob := killWhenMidShard(t, st, a, "batch-20230615-2")
	defer stopWorker(t, b)

	ctx := context.Background()
	deadline := time.Now().Add(100 * time.Second)
	for {
		r, err := st.LatestRun(ctx)
		if err == nil && r.ID == "batch-20230615-2" {
			break
		}
		if time.Now().After(deadline) {
			logs, _ := os.ReadFile(filepath.Join(dir, "worker-b.log"))
			rows, _ := st.Pool().Query(ctx, `SELECT kind, state, attempt, attempted_by::text, coalesce(attempted_at::text, '') FROM river_job ORDER BY id`)
			for rows.Next() {
				var k, s, by, at string
				var n int
				rows.Scan(&k, &s, &n, &by, &at)
				t.Logf("job %s %s attempt %d by %s at %s", k, s, n, by, at)
			}
			rows.Close()
			var leader string
			st.Pool().QueryRow(ctx, `SELECT leader_id || ' until ' || expires_at::text FROM river_leader`).Scan(&leader)
			t.Logf("leader: %s (now %s)", leader, time.Now().UTC())
			t.Fatalf("the sharded run was not published in time (latest %v, %v); worker b:\n%s", r, err, tail(string(logs), 3000))
		}
		time.Sleep(500 * time.Millisecond)
	}
	// River marks a job completed after its Work returns, through a
	// completer that batches the updates: on a busy machine the run (our
	// own tables, written inside the last shard's Work) can be published
	// before the rescued shard's job reads completed, so its state is
	// waited for, not read once.
	var state, by string
	for wait := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		err := st.Pool().QueryRow(ctx, `SELECT state, attempted_by::text FROM river_job WHERE id = $1`, heldJob).Scan(&state, &by)
		if err == nil && state == "completed" && strings.Contains(by, fmt.Sprint(b.Process.Pid)) {
			break
		}
		if time.Now().After(wait) {
			t.Fatalf("the killed worker's shard job %d: %s by %s (%v); want completed by the other worker", heldJob, state, by, err)
		}
	}
	one, sharded := lists(t, st, "batch-20230615"), lists(t, st, "batch-20230615-2")
	if len(one) == 0 || len(one) != len(sharded) {
		t.Fatalf("one-process run: %d lists; sharded: %d", len(one), len(sharded))
	}
	for gid, l := range one {
		if sharded[gid] != l {
			t.Fatalf("graduate %s: the sharded run's list differs from the one-process run's:\n%s\n%s", gid, sharded[gid], l)
		}
	}
	rep, err := st.RunReport(ctx, "batch-20230615-2")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Shards != 4 || rep.Diff.Previous != "batch-20230615" || rep.Diff.Unchanged != len(one) {
		t.Fatalf("report: shards %d, diff %+v", rep.Shards, rep.Diff)
	}
	// The report's coverage and diff are the shards' counts added up
	// (none counted at publish), the killed worker's shard's counted once
	// by the attempt that finished it: the one-process run's coverage.
	oneRep, err := st.RunReport(ctx, "batch-20230615")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rep.Channels, oneRep.Channels) || !reflect.DeepEqual(rep.Districts, oneRep.Districts) || rep.WithPosts != oneRep.WithPosts ||
		rep.ShortList != oneRep.ShortList || rep.Hardship != oneRep.Hardship || rep.Diff.Compared != len(one) || rep.Diff.Joined+rep.Diff.Left != 0 {
		t.Fatalf("sharded report %+v\none process's %+v", rep, oneRep)
	}
	var counted int
	if err := st.Pool().QueryRow(ctx, `SELECT sum((result->'counts'->>'lists')::int) FROM run_shards WHERE run_id = 'batch-20230615-2'`).Scan(&counted); err != nil || counted != len(one) {
		t.Fatalf("the shards counted %d lists (%v); the run has %d", counted, err, len(one))
	}
	for _, w := range []string{"a", "b"} {
		if logs, _ := os.ReadFile(filepath.Join(dir, "worker-"+w+".log")); strings.Contains(string(logs), "counting a shard's lists at publish") {
			t.Fatalf("worker %s counted a shard's lists at publish: a shard's counts were missing or wrong", w)
		}
	}
	var sliced, echoed int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FILTER (WHERE slice IS NOT NULL), count(*) FILTER (WHERE result->'slice' = slice)
		FROM run_shards WHERE run_id = 'batch-20230615-2'`).Scan(&sliced, &echoed); err != nil || sliced != 4 || echoed != 4 {
		t.Fatalf("%d of 4 shards stored with a slice, %d computed over it (%v)", sliced, echoed, err)
	}
	t.Logf("%d lists equal; the killed worker's shard was finished by %s; %s", len(one), by, rep.Summary[0])

	// A run queued by the version before the slices: its shards' rows
	// without one. (Queued with no worker running, so none takes a shard
	// before its slice is taken away.)
	stopWorker(t, b)
	if code, out, errs := run(t, "", "batch", "--db", db, day, "--shards", "3", "--quiet"); code != 0 || !strings.HasPrefix(out, "run batch-20230615-3 queued in 3 shards") {
		t.Fatalf("queue: exit %d, %q, %s", code, out, errs)
	}
	if _, err := st.Pool().Exec(ctx, `UPDATE run_shards SET slice = NULL WHERE run_id = 'batch-20230615-3'`); err != nil {
		t.Fatal(err)
	}
	c := startWorker(t, dir, db, "c")
	defer stopWorker(t, c)
	for deadline := time.Now().Add(100 * time.Second); ; time.Sleep(500 * time.Millisecond) {
		if r, err := st.LatestRun(ctx); err == nil && r.ID == "batch-20230615-3" {
			break
		}
		if time.Now().After(deadline) {
			logs, _ := os.ReadFile(filepath.Join(dir, "worker-c.log"))
			t.Fatalf("the run queued without slices was not published in time; worker c:\n%s", tail(string(logs), 3000))
		}
	}
	old := lists(t, st, "batch-20230615-3")
	if len(old) != len(one) {
		t.Fatalf("run queued without slices: %d lists; want %d", len(old), len(one))
	}
	for gid, l := range one {
		if old[gid] != l {
			t.Fatalf("graduate %s: the run queued without slices has another list", gid)
		}
	}
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FILTER (WHERE result ? 'slice') FROM run_shards WHERE run_id = 'batch-20230615-3'`).Scan(&sliced); err != nil || sliced != 0 {
		t.Fatalf("%d shards of the run queued without slices computed over one (%v)", sliced, err)
	}
}

func startWorker(t *testing.T, dir, db, name string) *exec.Cmd {
	t.Helper()
	logf, err := os.Create(filepath.Join(dir, "worker-"+name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "worker", "--db", db, "--workers", "1", "--chunk", "10", "--rescue-after", "8s", "--log-level", "info")
	cmd.Env = append(os.Environ(), asMainEnv+"=1")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		logf.Close()
	})
	return cmd
}

// killWhenMidShard kills worker w (SIGKILL) as soon as it holds a shard
// job of the run and the run has lists saved.
func killWhenMidShard(t *testing.T, st *postgres.Store, w *exec.Cmd, runID string) int64 {
	t.Helper()
	host, _ := os.Hostname()
	id := fmt.Sprintf("jobmatch-worker-%s-%d", host, w.Process.Pid)
	ctx := context.Background()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		var job int64
		var saved int
		err := st.Pool().QueryRow(ctx, `SELECT
			coalesce((SELECT max(id) FROM river_job WHERE state = 'running' AND kind = 'jobmatch_batch_shard' AND attempted_by[array_upper(attempted_by, 1)] = $1), 0),
			(SELECT count(*) FROM recommendations WHERE run_id = $2)`, id, runID).Scan(&job, &saved)
		if err == nil && job > 0 && saved > 0 {
			if err := w.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			w.Wait()
			t.Logf("worker %s killed holding shard job %d, %d lists of the run saved", id, job, saved)
			return job
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("worker a never held a shard")
	return 0
}

func stopWorker(t *testing.T, w *exec.Cmd) {
	w.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { w.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(40 * time.Second):
		t.Error("worker did not stop on SIGTERM")
		w.Process.Kill()
	}
}

// lists reads a run's lists as text, by graduate.
func lists(t *testing.T, st *postgres.Store, runID string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := st.EachRunList(context.Background(), runID, func(gr matcher.GraduateRecommendations) error {
		var b strings.Builder
		for _, it := range gr.Items {
			fmt.Fprintf(&b, "%d %s %s %v %.9f plan=%v %s\n", it.Rank, it.Kind, it.PostID, it.Plan, it.Score, it.Plan, it.Item)
		}
		out[gr.GraduateID] = b.String()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func tail(s string, n int) string { return s[max(0, len(s)-n):] }
