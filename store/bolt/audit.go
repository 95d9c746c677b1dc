package bolt

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// The audit log is durable in the journal (journal.go) before any call
// that writes it returns, and is folded into the audit bucket in the
// background: when a region is half full, every foldEvery, and at Close.
// AuditLog reads both.

// foldEvery bounds how long an entry stays in the journal only (and so
// how much Open replays after a crash). Each fold is one bbolt commit and
// one sync of the zeroed region, off the requests' path.
const foldEvery = 5 * time.Second

// metaAuditFolded in bMeta: the last sequence folded into the audit
// bucket. Replay skips journal records at or below it, so an entry folded
// and then re-sealed by a key rotation is not put back under the old key.
var metaAuditFolded = []byte("audit_folded")

// Audit appends an entry to the audit log. The action and detail of an
// entry naming a graduate are sealed (store.SealAudit).
func (s *Store) Audit(ctx context.Context, e matcher.AuditEntry) error {
	return s.AuditBatch(ctx, []matcher.AuditEntry{e})
}

// auditRecord is an audit entry as stored: an entry naming a graduate
// has its action and detail sealed into Box (store.SealAudit), Action and
// Detail then empty.
type auditRecord struct {
	matcher.AuditEntry
	Box []byte `json:"box,omitempty"`
}

// auditValue is e as the audit bucket and the journal keep it.
func (s *Store) auditValue(e matcher.AuditEntry) ([]byte, error) {
	r := auditRecord{AuditEntry: e, Box: store.SealAudit(s.keys, e)}
	if r.Box != nil {
		r.Action, r.Detail = "", ""
	}
	if b, ok := appendAuditRecord(make([]byte, 0, 256+len(r.Box)*4/3), &r); ok {
		return b, nil
	}
	return json.Marshal(&r)
}

// appendAuditRecord appends r as json.Marshal writes it (every served
// read of a graduate writes one: encoding/json's reflection was ~1.5% of
// a served list's CPU); false for a time encoding/json refuses (a year
// outside 0–9999, a zone offset of a day or more), left to it. TestAuditRecordJSON holds the two equal.
func appendAuditRecord(b []byte, r *auditRecord) ([]byte, bool) {
	if y := r.At.Year(); y < 0 || y > 9999 {
		return b, false
	}
	if _, off := r.At.Zone(); off <= -24*3600 || off >= 24*3600 {
		return b, false // a zone offset of a day or more: refused too
	}
	b = append(b, `{"id":`...)
	b = matcher.AppendJSONString(b, r.ID)
	b = append(b, `,"at":"`...)
	b = r.At.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","key_id":`...)
	b = matcher.AppendJSONString(b, r.KeyID)
	b = append(b, `,"role":`...)
	b = matcher.AppendJSONString(b, string(r.Role))
	b = append(b, `,"action":`...)
	b = matcher.AppendJSONString(b, r.Action)
	for _, f := range [...]struct{ name, v string }{{`,"graduate_id":`, r.GraduateID}, {`,"detail":`, r.Detail}, {`,"client":`, r.Client}} {
		if f.v != "" {
			b = append(b, f.name...)
			b = matcher.AppendJSONString(b, f.v)
		}
	}
	if len(r.Box) > 0 {
		b = append(b, `,"box":"`...)
		b = base64.StdEncoding.AppendEncode(b, r.Box)
		b = append(b, '"')
	}
	return append(b, '}'), true
}

func (s *Store) putAudit(b *bbolt.Bucket, k []byte, e matcher.AuditEntry) error {
	v, err := s.auditValue(e)
	if err != nil {
		return err
	}
	return b.Put(k, v)
}

// openAudit reads a stored entry, opening its box.
func (s *Store) openAudit(v []byte) (matcher.AuditEntry, []byte, error) {
	var r auditRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return r.AuditEntry, nil, err
	}
	err := store.OpenAudit(s.keys, &r.AuditEntry, r.Box)
	return r.AuditEntry, r.Box, err
}

// AuditBatch appends entries to the audit log as one group: it returns
// nil once all of them are durable in the journal (one fdatasync for the
// group, shared with the groups written meanwhile), and an error — having
// acknowledged none of them — when that cannot be made sure of. The API's
// group commit (api/audit.go) calls it with the entries of every request
// that arrived while the previous group was on its way to disk.
func (s *Store) AuditBatch(ctx context.Context, entries []matcher.AuditEntry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	now := s.now()
	vals, gids := make([][]byte, len(entries)), make([]string, len(entries))
	for i, e := range entries {
		store.PrepareAudit(&e, now)
		v, err := s.auditValue(e)
		if err != nil {
			return fmt.Errorf("audit entry %s: %w", e.ID, err)
		}
		vals[i], gids[i] = v, e.GraduateID
	}
	return s.journal.append(ctx, vals, gids)
}

// AuditConcurrency is how many AuditBatch calls are worth having in
// flight at once: one per sync the journal runs at once. The API's group
// commit starts a group's write while the previous one syncs up to this.
func (s *Store) AuditConcurrency() int { return len(s.journal.file.syncFD) - 1 }

// AuditLog returns up to limit entries about graduateID ("" for all), newest
// first (in the order they were written).
func (s *Store) AuditLog(ctx context.Context, graduateID string, limit int) ([]matcher.AuditEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The journal's entries first (they are the newest), then bbolt's
	// below the journal's first sequence: an entry folded between the two
	// reads is then read once, from the journal's snapshot.
	vals, lo := s.journal.unfolded(graduateID, limit)
	out := make([]matcher.AuditEntry, 0, len(vals))
	for _, v := range vals {
		e, _, err := s.openAudit(v)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	err := s.view(ctx, func(tx *bbolt.Tx) error {
		c := tx.Bucket(bAudit).Cursor()
		k, v := c.Seek(u64(lo))
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && len(out) < limit; k, v = c.Prev() {
			var r auditRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			if graduateID != "" && r.GraduateID != graduateID {
				continue // other graduates' boxes are not opened
			}
			if err := store.OpenAudit(s.keys, &r.AuditEntry, r.Box); err != nil {
				return err
			}
			out = append(out, r.AuditEntry)
		}
		return nil
	})
	return out, err
}

// openJournal replays the journal beside the store's file into the audit
// bucket (entries a crash left unfolded), makes the journal anew when it
// held anything, and starts the fold.
func (s *Store) openJournal(path string) error {
	recs, dirty, err := readJournalRegions(path, s.log)
	if err != nil {
		return err
	}
	var next uint64
	replayed := 0
	err = s.db.Update(func(tx *bbolt.Tx) error {
		var err error
		replayed, err = replayAudit(tx, recs)
		next = tx.Bucket(bAudit).Sequence() + 1
		return err
	})
	if err != nil {
		return fmt.Errorf("audit journal replay: %w", err)
	}
	if replayed > 0 {
		s.log.Info("audit journal: replayed entries not folded before the last stop", "file", path, "entries", replayed)
	}
	if dirty {
		// The replay is committed: start from zeros (and past whatever a
		// torn write left behind).
		if err := makeJournalFile(path, s.journalRegion); err != nil {
			return fmt.Errorf("audit journal %s: %w", path, err)
		}
	}
	f, err := openJournalFile(path, s.journalRegion, s.journalSyncs)
	if err != nil {
		return err
	}
	s.journal = newAuditJournal(f, next)
	s.foldStop, s.foldDone = make(chan struct{}), make(chan struct{})
	go s.foldLoop()
	return nil
}

// replayAudit writes the journal's records not yet folded into the audit
// bucket, each under its own sequence, and moves the fold mark past them.
// A record whose key holds the same value was folded (the mark's commit
// is the same as the fold's, so only a mark older than the file can say
// otherwise); one whose key holds another value (written by a jobmatch
// that did not keep the journal) is appended after the last entry.
func replayAudit(tx *bbolt.Tx, recs []journalRecord) (int, error) {
	b, meta := tx.Bucket(bAudit), tx.Bucket(bMeta)
	var folded uint64
	if v := meta.Get(metaAuditFolded); len(v) == 8 {
		folded = binary.BigEndian.Uint64(v)
	}
	slices.SortFunc(recs, func(a, b journalRecord) int { return cmp.Compare(a.seq, b.seq) })
	n := 0
	for _, r := range recs {
		if r.seq <= folded {
			continue
		}
		k := u64(r.seq)
		old := b.Get(k)
		if old != nil && bytes.Equal(old, r.val) {
			continue
		}
		for old != nil {
			seq, err := b.NextSequence()
			if err != nil {
				return n, err
			}
			k = u64(seq)
			old = b.Get(k)
		}
		if err := b.Put(k, slices.Clone(r.val)); err != nil {
			return n, err
		}
		if r.seq > b.Sequence() {
			if err := b.SetSequence(r.seq); err != nil {
				return n, err
			}
		}
		n++
	}
	return n, meta.Put(metaAuditFolded, u64(b.Sequence()))
}

// foldLoop folds the journal into bbolt when woken (a region half full or
// full) and every s.foldEvery, until Close.
func (s *Store) foldLoop() {
	defer close(s.foldDone)
	t := time.NewTicker(s.foldEvery)
	defer t.Stop()
	for {
		select {
		case <-s.foldStop:
			return
		case <-s.journal.kick:
		case <-t.C:
		}
		if err := s.fold(); err != nil {
			// The entries stay in the journal (durable) and in memory; the
			// next fold tries again.
			s.log.Error("audit journal: fold into the store failed", "err", err)
		}
	}
}

// fold writes one region's entries into the audit bucket in one
// transaction and, once that commit returned, zeroes the region for
// reuse: the sealed region if there is one, else the active one (sealed
// first, the other becoming active). It waits for the region's groups in
// flight to be durable; after a failure it folds those that are and
// leaves the region as it is, for the next Open to replay.
func (s *Store) fold() error {
	s.foldMu.Lock()
	defer s.foldMu.Unlock()
	j := s.journal
	j.mu.Lock()
	r := -1
	for i, st := range j.state {
		if st == regionSealed {
			r = i
		}
	}
	if r < 0 {
		if j.used[j.active] == 0 || !j.swap() {
			j.mu.Unlock()
			return nil
		}
		r = 1 - j.active
	}
	for j.durable < j.last[r] && j.err == nil {
		j.cond.Wait()
	}
	n := 0
	for n < len(j.pending) && j.pending[n].seq <= min(j.last[r], j.durable) {
		n++
	}
	batch := slices.Clone(j.pending[:n])
	failed, used := j.err != nil, j.used[r]
	j.mu.Unlock()
	if n > 0 {
		if err := s.db.Update(func(tx *bbolt.Tx) error { return foldAudit(tx, batch) }); err != nil {
			return err
		}
	}
	j.mu.Lock()
	j.pending = slices.Delete(j.pending, 0, n)
	j.mu.Unlock()
	if failed {
		return nil
	}
	err := j.file.zero(r, used, j.file.syncFD[len(j.file.syncFD)-1])
	j.mu.Lock()
	defer j.mu.Unlock()
	if err != nil {
		j.fail(fmt.Errorf("audit journal: zeroing a folded region: %w", err))
		return err
	}
	j.used[r], j.state[r] = 0, regionClean
	j.cond.Broadcast()
	return nil
}

// foldAudit puts a batch of journalled entries under their sequences and
// moves the fold mark (and the bucket's sequence) to the last of them.
func foldAudit(tx *bbolt.Tx, batch []pendingAudit) error {
	b := tx.Bucket(bAudit)
	for _, p := range batch {
		if err := b.Put(u64(p.seq), p.val); err != nil {
			return err
		}
	}
	last := batch[len(batch)-1].seq
	if last > b.Sequence() {
		if err := b.SetSequence(last); err != nil {
			return err
		}
	}
	return tx.Bucket(bMeta).Put(metaAuditFolded, u64(last))
}

// closeJournal stops the fold, folds what the journal holds (the sealed
// region, then the active one) and closes the file. Entries written after
// this are refused; any a failure kept from bbolt are replayed at Open.
func (s *Store) closeJournal() error {
	if s.journal == nil {
		return nil
	}
	select {
	case <-s.foldStop:
		return nil // closed before: Close twice is bbolt's no-op, not a panic
	default:
	}
	close(s.foldStop)
	<-s.foldDone
	var err error
	for range 2 {
		if err = s.fold(); err != nil {
			break
		}
	}
	j := s.journal
	j.mu.Lock()
	j.fail(errJournalClosed)
	j.mu.Unlock()
	if cerr := j.file.close(); err == nil {
		err = cerr
	}
	return err
}
