package bolt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
)

// auditJournal is the journal's state in memory: who writes where, what
// is on disk, and the entries not yet folded into bbolt.
type auditJournal struct {
	file *journalFile

	mu      sync.Mutex
	cond    *sync.Cond
	err     error  // set once a write or sync failed: every later write fails (fail closed)
	next    uint64 // the sequence the next entry gets
	active  int    // the region groups are appended to
	state   [2]regionState
	used    [2]int64  // bytes given out in each region
	last    [2]uint64 // the last sequence given out in each region
	groups  []*journalGroup
	durable uint64 // every entry with a sequence up to this one is on disk
	covered uint64 // the most that a sync in flight will make durable
	freeFD  []*os.File
	pending []pendingAudit // not folded, in sequence order (durable or not)
	kick    chan struct{}  // wakes the fold
}

type regionState uint8

const (
	regionClean  regionState = iota // zeros: may become active
	regionActive                    // groups are appended to it
	regionSealed                    // full or being folded; zeroed once folded
)

// journalGroup is one AuditBatch call's records.
type journalGroup struct {
	first, last uint64
	written     bool
}

// pendingAudit is an entry in the journal and not yet in bbolt: its
// value as both keep it (AuditLog opens it as it opens bbolt's), and the
// graduate it names.
type pendingAudit struct {
	seq        uint64
	val        []byte
	graduateID string
}

func newAuditJournal(file *journalFile, next uint64) *auditJournal {
	j := &auditJournal{file: file, next: next, durable: next - 1, covered: next - 1, kick: make(chan struct{}, 1)}
	j.cond = sync.NewCond(&j.mu)
	j.state[0] = regionActive
	j.freeFD = slices.Clone(file.syncFD[:len(file.syncFD)-1]) // the last is the fold's
	return j
}

var errJournalClosed = errors.New("audit journal: the store is closed")

// append makes vals (each an entry's stored value; graduateIDs the
// graduates they name) durable in the journal: it returns nil only after a sync that followed
// the write of this group and of every group before it returned.
func (j *auditJournal) append(ctx context.Context, vals [][]byte, graduateIDs []string) error {
	size := int64(0)
	for _, v := range vals {
		size += int64(journalHeader + len(v))
	}
	if size > j.file.region {
		return fmt.Errorf("audit journal: a group of %d entries (%d bytes) is larger than a region (%d bytes)", len(vals), size, j.file.region)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	r, off, err := j.reserve(ctx, size)
	if err != nil {
		return err
	}
	g := &journalGroup{first: j.next, last: j.next + uint64(len(vals)) - 1}
	buf := make([]byte, 0, size)
	for i, v := range vals {
		buf = appendJournalRecord(buf, g.first+uint64(i), v)
		j.pending = append(j.pending, pendingAudit{seq: g.first + uint64(i), val: v, graduateID: graduateIDs[i]})
	}
	j.next = g.last + 1
	j.last[r] = g.last
	j.groups = append(j.groups, g)
	j.mu.Unlock()
	werr := j.file.write(r, off, buf)
	j.mu.Lock()
	if werr != nil {
		j.fail(fmt.Errorf("audit journal write: %w", werr))
		return j.err
	}
	g.written = true
	return j.awaitDurable(g)
}

// reserve gives out size bytes of the active region (under mu), sealing
// it and making the other one active when it is full, or waiting for the
// fold to clean the other one.
func (j *auditJournal) reserve(ctx context.Context, size int64) (int, int64, error) {
	for {
		if j.err != nil {
			return 0, 0, j.err
		}
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		r := j.active
		if j.used[r]+size <= j.file.region {
			off := j.used[r]
			j.used[r] += size
			if j.used[r] > j.file.region/2 {
				j.wake()
			}
			return r, off, nil
		}
		if !j.swap() {
			j.wake()
			// Only this wait (for the fold to clean a region) gives up
			// with ctx; registered here, not on every append.
			stop := context.AfterFunc(ctx, func() { j.mu.Lock(); j.cond.Broadcast(); j.mu.Unlock() })
			j.cond.Wait()
			stop()
		}
	}
}

// swap seals the active region and activates the other one if it is
// clean (under mu).
func (j *auditJournal) swap() bool {
	o := 1 - j.active
	if j.state[o] != regionClean {
		return false
	}
	j.state[j.active], j.state[o] = regionSealed, regionActive
	j.active = o
	j.wake()
	return true
}

func (j *auditJournal) wake() {
	select {
	case j.kick <- struct{}{}:
	default:
	}
}

// awaitDurable returns once g is durable (under mu), starting a sync when
// one may start and would cover g: at most one per spare descriptor in
// flight, each covering the groups written before it began.
func (j *auditJournal) awaitDurable(g *journalGroup) error {
	for {
		if j.err != nil {
			return j.err
		}
		if j.durable >= g.last {
			return nil
		}
		cover := j.writtenPrefix()
		if cover >= g.last && cover > j.covered && len(j.freeFD) > 0 {
			fd := j.freeFD[len(j.freeFD)-1]
			j.freeFD = j.freeFD[:len(j.freeFD)-1]
			j.covered = cover
			j.mu.Unlock()
			err := fdatasync(fd)
			j.mu.Lock()
			j.freeFD = append(j.freeFD, fd)
			if err != nil {
				j.fail(fmt.Errorf("audit journal sync: %w", err))
			} else if cover > j.durable {
				j.durable = cover
				j.dropDurableGroups()
			}
			j.cond.Broadcast()
			continue
		}
		j.cond.Wait()
	}
}

// writtenPrefix is the last sequence of the groups written without a gap
// from the first one not durable yet: what a sync starting now makes
// durable (a group written after an unwritten one is on disk but would be
// beyond the end replay sees).
func (j *auditJournal) writtenPrefix() uint64 {
	cover := j.durable
	for _, g := range j.groups {
		if !g.written {
			break
		}
		cover = g.last
	}
	return cover
}

func (j *auditJournal) dropDurableGroups() {
	i := 0
	for i < len(j.groups) && j.groups[i].last <= j.durable {
		i++
	}
	j.groups = slices.Delete(j.groups, 0, i)
}

// fail poisons the journal (under mu): after a failed write or sync,
// what reached the disk is unknown, so nothing more is acknowledged from
// it until the store is opened again (which replays what is there).
func (j *auditJournal) fail(err error) {
	if j.err == nil {
		j.err = err
	}
	j.cond.Broadcast()
}

// unfolded returns the values of up to limit durable entries not yet
// folded, about graduateID ("" for all), newest first, and the lowest
// sequence not folded (bbolt's keys from it on are to be skipped: entries
// folded after this snapshot was taken).
func (j *auditJournal) unfolded(graduateID string, limit int) ([][]byte, uint64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	lo := j.next
	if len(j.pending) > 0 {
		lo = j.pending[0].seq
	}
	var out [][]byte
	for i := len(j.pending) - 1; i >= 0 && len(out) < limit; i-- {
		p := j.pending[i]
		if p.seq > j.durable || (graduateID != "" && p.graduateID != graduateID) {
			continue
		}
		out = append(out, p.val)
	}
	return out, lo
}
