package batch

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// note describes the run's inputs: the day, the list shape, the policy and
// a fingerprint of every post, course and active graduate (IDs, versions,
// places). A resumed run must match it, or its saved lists would mix two
// different inputs. It holds no personal data.
func (r *runner) note(posts []*matcher.Post, grads []matcher.GraduateKey) string {
	h := sha256.New()
	var buf [8]byte
	num := func(x int64) {
		binary.LittleEndian.PutUint64(buf[:], uint64(x))
		h.Write(buf[:])
	}
	str := func(s string) { num(int64(len(s))); io.WriteString(h, s) }
	cfg, _ := json.Marshal(r.cfg)
	h.Write(cfg)
	str(r.in.Weights)
	num(r.in.Now.UnixNano())
	num(int64(r.opt.Limit))
	for _, p := range posts {
		str(p.ID)
		num(p.UpdatedAt.UnixNano())
		num(int64(p.PlacesLeft()))
	}
	num(-1)
	for i := range r.in.Courses {
		c := &r.in.Courses[i]
		str(c.ID)
		num(c.UpdatedAt.UnixNano())
		num(int64(c.Places))
	}
	num(-1)
	for i := range grads {
		str(grads[i].ID)
		num(grads[i].UpdatedAt.UnixNano())
		str(string(grads[i].Status))
	}
	return fmt.Sprintf("jobmatch batch; as of %s; limit %d; policy %s; inputs %s",
		r.in.Now.UTC().Format(time.RFC3339), r.opt.Limit, r.cfg.Version, hex.EncodeToString(h.Sum(nil))[:24])
}

// sliceNote is the fingerprint of a shard's slice of the ledger: the
// run's other inputs (inputs, the note with no graduate) and the slice's
// active graduates (IDs, versions, statuses), as note hashes them. The
// posts are hashed once into inputs, not once a slice.
func sliceNote(inputs string, grads []matcher.GraduateKey) string {
	h := sha256.New()
	var buf [8]byte
	str := func(s string) {
		binary.LittleEndian.PutUint64(buf[:], uint64(len(s)))
		h.Write(buf[:])
		io.WriteString(h, s)
	}
	str(inputs)
	for i := range grads {
		str(grads[i].ID)
		binary.LittleEndian.PutUint64(buf[:], uint64(grads[i].UpdatedAt.UnixNano()))
		h.Write(buf[:])
		str(string(grads[i].Status))
	}
	return "jobmatch batch slice; " + hex.EncodeToString(h.Sum(nil))[:24]
}

// keysOf is what the fingerprints take of graduates read whole (note,
// sliceNote).
func keysOf(grads []matcher.Graduate) []matcher.GraduateKey {
	keys := make([]matcher.GraduateKey, len(grads))
	for i := range grads {
		g := &grads[i]
		keys[i] = matcher.GraduateKey{ID: g.ID, Status: g.Status, UpdatedAt: g.UpdatedAt}
	}
	return keys
}

// openRun finds the day's unfinished run to resume or creates a new run.
// Run IDs are batch-YYYYMMDD, then batch-YYYYMMDD-2, -3 … for further runs
// of the same decision day.
func (r *runner) openRun(ctx context.Context, note string) (*matcher.Run, bool, error) {
	base := "batch-" + r.in.Now.UTC().Format("20060102")
	var free string
	for n := 1; free == "" && n <= 10000; n++ {
		id := base
		if n > 1 {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		run, err := r.st.Run(ctx, id)
		if matcher.ErrorCode(err) == matcher.ENOTFOUND {
			free = id
			break
		} else if err != nil {
			return nil, false, fmt.Errorf("batch: look up run %s: %w", id, err)
		}
		if run.Status != matcher.RunRunning {
			continue
		}
		switch {
		case r.opt.Resume != ResumeNever && run.Note == note:
			r.log.Info("resuming unfinished run", "run", id, "saved", run.Graduates)
			return run, true, nil
		case r.opt.Resume == ResumeRequired:
			return nil, false, matcher.Errorf(matcher.ECONFLICT, "未完成批次 %s 的输入已变化，不能续跑（不带 --resume 运行将重新开始）",
				"unfinished run %s has other inputs and cannot be resumed (run without --resume to start afresh)", id)
		case r.opt.Resume == ResumeNever:
			r.log.Info("abandoning unfinished run (--fresh)", "run", id)
			if err := r.st.FailRun(ctx, id, "abandoned: a fresh run was asked for"); err != nil {
				return nil, false, fmt.Errorf("batch: abandon run %s: %w", id, err)
			}
		default:
			// Its inputs changed (posts, graduates, policy): its lists
			// cannot be completed consistently, so it gives way.
			r.log.Info("unfinished run has other inputs; starting a new run", "run", id)
			if err := r.st.FailRun(ctx, id, "superseded: inputs changed before it finished"); err != nil {
				return nil, false, fmt.Errorf("batch: supersede run %s: %w", id, err)
			}
		}
	}
	if free == "" {
		return nil, false, fmt.Errorf("batch: no free run id for %s", base)
	}
	if r.opt.Resume == ResumeRequired {
		return nil, false, matcher.Errorf(matcher.ENOTFOUND, "没有可续跑的未完成批次（%s）", "no unfinished run of %s with the same inputs to resume", base)
	}
	run := &matcher.Run{ID: free, Note: note}
	if err := r.st.CreateRun(ctx, run); err != nil {
		return nil, false, fmt.Errorf("batch: create run %s: %w", free, err)
	}
	return run, false, nil
}
