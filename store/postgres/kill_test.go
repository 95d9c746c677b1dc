package postgres_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/postgres"
	"github.com/urumqi-hrss/jobmatch/store/postgres/pgtest"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

const (
	killRows   = 3000
	killChunk  = 100
	killFinger = "sha256:kill-test"
	helperEnv  = "JOBMATCH_IMPORT_HELPER_SCHEMA"
	// committedLine starts the helper's report of each committed chunk.
	committedLine = "committed through row"
)

// importRows runs an import of killRows synthetic posts from wherever the
// job stands, a chunk at a time, pausing between chunks when slow (the
// helper's pace, so a kill finds the import unfinished) and telling
// committed (when not nil) the last row of each chunk committed.
func importRows(ctx context.Context, s *postgres.Store, slow bool, committed func(lastRow int)) (*matcher.ImportJob, error) {
	job, err := s.BeginImport(ctx, "posts", []string{"posts.csv"}, killFinger)
	if err != nil {
		return nil, err
	}
	for row := job.LastRow; row < killRows; row += killChunk {
		var c matcher.ImportChunk
		for r := row + 1; r <= row+killChunk; r++ {
			if r%50 == 0 { // every 50th row is bad
				c.Rejected = append(c.Rejected, matcher.RowError{File: "posts.csv", Line: r, Column: "salary", Reason: "bad"})
				continue
			}
			c.Posts = append(c.Posts, storetest.Post("kill", r))
		}
		c.LastRow = row + killChunk
		if _, err := s.CommitChunk(ctx, job.ID, c); err != nil {
			return nil, err
		}
		if slow {
			time.Sleep(15 * time.Millisecond)
		}
		// Reported after the pause: the next chunk is being written when
		// the report arrives, so a kill on it lands inside a chunk.
		if committed != nil {
			committed(c.LastRow)
		}
	}
	return job, nil
}

// TestImportHelper is the process the kill test kills: it imports slowly
// into the schema it is given until it is killed.
func TestImportHelper(t *testing.T) {
	schema := os.Getenv(helperEnv)
	if schema == "" {
		t.Skip("helper process for TestKilledImportResumes")
	}
	cfg, err := pgxpool.ParseConfig(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	s, err := postgres.OpenConfig(context.Background(), cfg, pgtest.Keys(t))
	if err != nil {
		t.Fatal(err)
	}
	// Each committed chunk is a line on stdout, which the killing test
	// reads to know the import is under way.
	report := func(lastRow int) { fmt.Printf("%s %d\n", committedLine, lastRow) }
	if _, err := importRows(context.Background(), s, true, report); err != nil {
		t.Fatal(err)
	}
	t.Fatal("the helper finished before it was killed")
}

// TestKilledImportResumes kills (SIGKILL) a process in the middle of an
// import, resumes the import in this process and checks that every row is
// there once and that the counts add up: nothing lost, nothing twice.
func TestKilledImportResumes(t *testing.T) {
	cfg := pgtest.Schema(t)
	ctx := context.Background()
	s, err := postgres.OpenAndMigrate(ctx, cfg.Copy(), pgtest.Keys(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestImportHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+cfg.ConnConfig.RuntimeParams["search_path"])
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// The helper reports each committed chunk; it is killed as soon as
	// 1,000 rows are in.
	reached := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var last int
			if n, _ := fmt.Sscanf(sc.Text(), committedLine+" %d", &last); n == 1 && last >= 1000 {
				close(reached)
				break
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case <-reached:
	case <-time.After(time.Minute):
		t.Fatal("the helper did not commit 1,000 rows within a minute")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	job, err := importRows(ctx, s, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if job.LastRow < 1000 || job.LastRow >= killRows {
		t.Fatalf("resumed from row %d: the killed import's progress was not kept", job.LastRow)
	}
	rep, err := s.FinishImport(ctx, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantBad := killRows / 50
	if rep.Accepted != killRows-wantBad || rep.Rejected != wantBad || len(rep.Errors) != wantBad || rep.Updated+rep.Unchanged != 0 {
		t.Fatalf("report after resume (from row %d): %+v", job.LastRow, fmt.Sprint(rep.Accepted, rep.Updated, rep.Unchanged, rep.Rejected, len(rep.Errors)))
	}
	var n int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM posts WHERE source = 'kill'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != killRows-wantBad {
		t.Fatalf("%d posts stored, want %d", n, killRows-wantBad)
	}
	t.Logf("killed at row %d of %d, resumed and finished: %d accepted, %d rejected", job.LastRow, killRows, rep.Accepted, rep.Rejected)
}
