package main

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher/batch"
)

// cmdBatch runs the nightly batch: every active graduate's list over every
// open post, saved chunk by chunk and published as one run (matcher/batch).
func (m *Main) cmdBatch(ctx context.Context, args []string) error {
	fs := m.flags("batch")
	var o batch.Options
	fs.IntVar(&o.Limit, "limit", 8, "posts per graduate (hardship graduates' 一人一策 lists: the policy's 5–8 posts plus ≥3 courses)")
	fs.IntVar(&o.Chunk, "chunk", 500, "graduates' lists saved per transaction (a killed run resumes after its last saved chunk)")
	fs.IntVar(&o.Workers, "workers", runtime.GOMAXPROCS(0), "graduates computed in parallel")
	resume := fs.Bool("resume", false, "only resume the day's unfinished run, failing when there is none (without it an unfinished run of the day with the same inputs is resumed anyway)")
	fresh := fs.Bool("fresh", false, "abandon the day's unfinished run and start a new one")
	configFile := fs.String("config", "", "batch configuration file: active statuses and capacity spreading (default: the embedded matcher/batch/config.json)")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	quiet := fs.Bool("quiet", false, "no progress bar (there is none anyway when standard error is not a terminal)")
	pos, err := m.parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return &usageError{fmt.Sprintf("batch: unexpected argument %q", pos[0])}
	case o.Limit < 1 || o.Limit > 100:
		return &usageError{fmt.Sprintf("batch --limit %d: want 1..100", o.Limit)}
	case o.Chunk < 1:
		return &usageError{fmt.Sprintf("batch --chunk %d: want at least 1", o.Chunk)}
	case o.Workers < 1:
		return &usageError{fmt.Sprintf("batch --workers %d: want at least 1", o.Workers)}
	case *resume && *fresh:
		return &usageError{"batch: --resume and --fresh exclude each other"}
	}
	switch {
	case *resume:
		o.Resume = batch.ResumeRequired
	case *fresh:
		o.Resume = batch.ResumeNever
	}
	if *configFile != "" {
		if o.Config, err = batch.LoadConfig(*configFile); err != nil {
			return err
		}
	}
	st, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	eo, err := m.engineOptions()
	if err != nil {
		return err
	}
	t0 := time.Now()
	in, err := batch.Load(ctx, st, eo)
	if err != nil {
		return err
	}
	m.Log.Info("matching engine ready", "posts", len(in.Posts), "courses", len(in.Courses), "as_of", eo.Now.Format(time.DateOnly), "elapsed", time.Since(t0).Round(time.Millisecond))

	o.Log = m.Log
	var bar *progressBar
	if !*quiet {
		bar = m.newProgress("batch", "graduates")
		o.Progress, o.Log = bar.report(), bar.logger(m.Log)
	}
	sum, err := batch.Run(ctx, st, in, o)
	bar.finish()
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, sum)
	}
	fmt.Fprintln(m.Stdout, sum)
	return nil
}
