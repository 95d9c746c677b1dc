package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/ingest"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// Figures is the JSON line ingestbench prints.
type Figures struct {
	SegmenterLoad float64 `json:"segmenter_load_s"`
	Rows          int     `json:"rows"`
	Posts         int     `json:"posts"` // accepted + duplicate: posts in the store
	Searchable    uint64  `json:"searchable"`
	Seconds       float64 `json:"seconds"`
	PostsPerSec   float64 `json:"posts_per_s"`
	VmHWMMiB      float64 `json:"vmhwm_mib"`
	Summary       string  `json:"summary"`
}

func main() {
	posts := flag.String("posts", "", "posts file to import")
	work := flag.String("work", "", "directory for the fresh store and index")
	flag.Parse()
	if err := run(*posts, *work); err != nil {
		fmt.Fprintln(os.Stderr, "ingestbench:", err)
		os.Exit(1)
	}
}

func run(posts, work string) error {
	if posts == "" || work == "" {
		return fmt.Errorf("usage: ingestbench -posts FILE -work DIR")
	}
	var f Figures
	t0 := time.Now()
	seg, err := index.DefaultSegmenter()
	if err != nil {
		return err
	}
	f.SegmenterLoad = time.Since(t0).Seconds()

	// A throwaway data key: the benchmark's store is deleted afterwards.
	key, _ := seal.ParseKey(seal.NewKey())
	keys, err := seal.New(key)
	if err != nil {
		return err
	}
	st, err := bolt.Open(filepath.Join(work, "store.db"), keys)
	if err != nil {
		return err
	}
	defer st.Close()
	ix, err := index.Open(filepath.Join(work, "index"))
	if err != nil {
		return err
	}
	defer ix.Close()
	ix.Now = func() time.Time { return synth.DefaultNow } // the generated posts' reference date

	im := &ingest.Importer{Store: st, Index: ix, Analyzer: seg}
	t1 := time.Now()
	rep, err := im.Import(context.Background(), ingest.EntityPosts, []string{posts})
	if err != nil {
		return err
	}
	f.Seconds = time.Since(t1).Seconds()
	f.Rows = rep.Accepted + rep.Updated + rep.Unchanged + rep.Duplicate + rep.Rejected
	f.Posts = rep.Accepted + rep.Duplicate
	f.PostsPerSec = float64(f.Posts) / f.Seconds
	f.Summary = ingest.Summary(rep)
	if f.Searchable, err = ix.DocCount(); err != nil {
		return err
	}
	res, err := ix.Search(context.Background(), index.Query{Text: "会计"})
	if err != nil {
		return err
	}
	if f.Searchable == 0 || res.Total == 0 {
		return fmt.Errorf("the index is not searchable after the import: %d documents, %d hits for 会计", f.Searchable, res.Total)
	}
	if f.VmHWMMiB, err = vmHWM(); err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(f)
}

// vmHWM reads the process's peak resident set size.
func vmHWM() (float64, error) {
	fh, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			if err != nil {
				return 0, fmt.Errorf("VmHWM %q: %w", v, err)
			}
			return kb / 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/self/status")
}
