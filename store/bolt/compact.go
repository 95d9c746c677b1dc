package bolt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// bbolt never shrinks its file: pages freed by deleting (a run's lists
// pruned) go to its freelist and are reused by later writes, so with a
// retention policy the file stops growing at about the size it had with
// keep+1 runs' lists (the new run is written before the oldest goes). The
// disk the file took before — a data directory that kept ten runs — comes
// back only by copying the live pages into a new file: Compact.

// CompactResult is what Compact did.
type CompactResult struct {
	Before, After int64 // the file's size
	Elapsed       time.Duration
}

// Compact rewrites the store file at path (DIR/jobmatch.db) with only its
// live data (bbolt.Compact, pages filled), and replaces it. The store must
// be closed: Compact takes the file's lock (waiting up to 5 s, then
// failing like Open), holds it until the new file is in place, and
// refuses to start without free space for the copy. progress, when set,
// hears the bytes written so far against the live data estimated from the
// file's freelist (the copy usually ends below the estimate; then done is
// reported equal to total). No data key is needed: the pages are copied
// as they are, sealed.
func Compact(path string, progress func(done, total int64)) (*CompactResult, error) {
	start := time.Now()
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("compact: %w", err)
	}
	src, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 5 * time.Second, FreelistType: bbolt.FreelistMapType})
	if errors.Is(err, bbolt.ErrTimeout) {
		return nil, fmt.Errorf("compact %s: in use by another process (stop jobmatch serve, or the batch, first): %w", path, err)
	} else if err != nil {
		return nil, fmt.Errorf("compact %s: %w", path, err)
	}
	defer src.Close() // after the rename: the lock is held until the new file is in place
	st := src.Stats()
	live := fi.Size() - int64(st.FreePageN+st.PendingPageN)*int64(src.Info().PageSize)
	if err := checkFreeSpace(filepath.Dir(path), live); err != nil {
		return nil, err
	}
	tmp, err := compactInto(src, path, live, progress)
	if err == nil {
		err = os.Rename(tmp, path)
		if err != nil {
			os.Remove(tmp)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("compact %s: %w", path, err)
	}
	_ = syncFile(filepath.Dir(path)) // the rename, durable
	res := &CompactResult{Before: fi.Size(), Elapsed: time.Since(start)}
	if fi, err := os.Stat(path); err == nil {
		res.After = fi.Size()
	}
	if progress != nil {
		progress(live, live)
	}
	return res, nil
}

// compactInto copies src's live data (bbolt.Compact, pages filled) into
// a new file beside path, path.compact, made anew, and syncs it; the
// caller renames it over path. progress, when set, hears the new file's
// size against live. On an error the new file is removed.
func compactInto(src *bbolt.DB, path string, live int64, progress func(done, total int64)) (tmp string, err error) {
	tmp = path + ".compact"
	_ = os.Remove(tmp)
	dst, err := bbolt.Open(tmp, 0o600, &bbolt.Options{FreelistType: bbolt.FreelistMapType})
	if err != nil {
		return "", err
	}
	stop := watchSize(tmp, live, progress)
	err = bbolt.Compact(dst, src, 64<<20)
	stop()
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncFile(tmp)
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	return tmp, nil
}

// watchSize reports path's size as done, against total, every 200 ms
// until stop is called.
func watchSize(path string, total int64, progress func(done, total int64)) (stop func()) {
	if progress == nil {
		return func() {}
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				return
			case <-tick.C:
				if fi, err := os.Stat(path); err == nil {
					progress(min(fi.Size(), total), total)
				}
			}
		}
	}()
	return func() { close(quit); <-done }
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
