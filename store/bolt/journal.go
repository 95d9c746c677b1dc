package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
)

// The audit journal (DIR/jobmatch.db.audit) takes the audit log's durable
// write off bbolt's commit. A bbolt commit fdatasyncs twice (its pages,
// then its meta page) and only one commits at a time, so a request that
// finds a commit in flight waited for up to four syncs; fdatasync's p99 on
// the machine measured was 16 ms (benchmarks/RESULTS.md). An entry is
// durable once it is in the journal: one fdatasync for a group, and a
// second group's sync may start while the first's is in flight.
//
// The file is made once, written with zeros and fsynced, so that writing
// a group overwrites blocks that already exist: its fdatasync flushes data
// blocks only, never the inode or the extent tree (no size change, no
// unwritten extents to convert), and the disk cannot be full for it.
//
// It is two regions of equal size. Groups are appended to the active one;
// the fold (audit.go) seals it, makes the other one active, writes the
// sealed region's entries into bbolt in one transaction, and only after
// that commit returned overwrites the sealed region with zeros so it can
// be active again. A region is therefore read from its start: records,
// then zeros.
//
// A record is a 16-byte header and the entry's value exactly as bbolt
// keeps it (auditRecord's JSON, action and detail sealed under the data
// key like every stored entry):
//
//	[0:4]   length of the value (big endian)
//	[4:8]   CRC-32C of [0:4], [8:16] and the value
//	[8:16]  the entry's sequence: its key in the audit bucket
//	[16:]   the value
//
// The sequence makes replay idempotent: an entry already folded (its
// sequence at or below the fold mark bbolt keeps) is skipped, and an
// entry is written under its own key, never appended a second time.

const (
	journalHeader = 16
	// maxJournalValue bounds a record's value: a length beyond it is not a
	// record (an entry is a few hundred bytes).
	maxJournalValue = 1 << 20
	// defaultJournalRegion is the size of each of the file's two regions:
	// about 20,000 entries.
	defaultJournalRegion = 8 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// appendJournalRecord appends the record of value v under sequence seq.
func appendJournalRecord(dst []byte, seq uint64, v []byte) []byte {
	var h [journalHeader]byte
	binary.BigEndian.PutUint32(h[0:4], uint32(len(v)))
	binary.BigEndian.PutUint64(h[8:16], seq)
	binary.BigEndian.PutUint32(h[4:8], journalCRC(h[:], v))
	return append(append(dst, h[:]...), v...)
}

func journalCRC(h, v []byte) uint32 {
	c := crc32.Update(0, castagnoli, h[0:4])
	c = crc32.Update(c, castagnoli, h[8:16])
	return crc32.Update(c, castagnoli, v)
}

// journalRecord is one record read back: its sequence, its offset in the
// region and its value (a slice of the region read).
type journalRecord struct {
	seq uint64
	off int
	val []byte
}

// parseJournal reads a region's records from its start. It stops at a
// header of zeros (the end), or at bytes that are not the next record — a
// length out of range, a checksum that does not match, a sequence not
// above the previous one: the tail of a write that a crash cut short —
// and returns, with the records before it, the offset where it stopped
// and why (nil at a clean end). A group is acknowledged only after its
// sync, which follows every earlier group's write, so no acknowledged
// record lies beyond the first one that does not parse.
func parseJournal(b []byte) (recs []journalRecord, end int, torn error) {
	var last uint64
	for end < len(b) {
		rest := b[end:]
		if len(rest) < journalHeader {
			if allZero(rest) {
				return recs, end, nil
			}
			return recs, end, fmt.Errorf("%d bytes at offset %d, shorter than a record header", len(rest), end)
		}
		h := rest[:journalHeader]
		n := binary.BigEndian.Uint32(h[0:4])
		if n == 0 {
			if allZero(h) {
				return recs, end, nil
			}
			return recs, end, fmt.Errorf("a header with no value at offset %d", end)
		}
		if n > maxJournalValue || int(n) > len(rest)-journalHeader {
			return recs, end, fmt.Errorf("a record of %d bytes at offset %d runs past the region or the limit", n, end)
		}
		v := rest[journalHeader : journalHeader+int(n)]
		if binary.BigEndian.Uint32(h[4:8]) != journalCRC(h, v) {
			return recs, end, fmt.Errorf("a record at offset %d fails its checksum", end)
		}
		seq := binary.BigEndian.Uint64(h[8:16])
		if seq <= last {
			return recs, end, fmt.Errorf("a record at offset %d has sequence %d after %d", end, seq, last)
		}
		recs = append(recs, journalRecord{seq: seq, off: end, val: v})
		last = seq
		end += journalHeader + int(n)
	}
	return recs, end, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// journalFile is the file: its regions, and a descriptor for each sync
// that may be in flight at once (each descriptor reports a writeback
// error to its own next sync: with one shared descriptor, the first of
// two concurrent syncs would consume an error the other needed to see).
type journalFile struct {
	f      *os.File // writes (pwrite: concurrent writes to distinct ranges are safe)
	syncFD []*os.File
	region int64
}

// openJournalFile opens the journal at path, making it (zeros, fsynced,
// renamed into place) when it is missing or of another size; a file of
// another size is first read by the caller through readJournalRegions.
func openJournalFile(path string, region int64, syncs int) (*journalFile, error) {
	if st, err := os.Stat(path); err != nil || st.Size() != 2*region {
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("audit journal: %w", err)
		}
		if err := makeJournalFile(path, region); err != nil {
			return nil, fmt.Errorf("audit journal %s: %w", path, err)
		}
	}
	j := &journalFile{region: region}
	var err error
	if j.f, err = os.OpenFile(path, os.O_RDWR, 0o600); err != nil {
		return nil, fmt.Errorf("audit journal: %w", err)
	}
	for range syncs + 1 { // one more for the fold's zeroing
		fd, err := os.OpenFile(path, os.O_RDWR, 0o600)
		if err != nil {
			j.close()
			return nil, fmt.Errorf("audit journal: %w", err)
		}
		j.syncFD = append(j.syncFD, fd)
	}
	return j, nil
}

// makeJournalFile writes a file of two zeroed regions beside path and
// renames it into place, syncing the file and then the directory.
func makeJournalFile(path string, region int64) error {
	tmp := path + ".new"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	zeros := make([]byte, 1<<20)
	for off := int64(0); off < 2*region; off += int64(len(zeros)) {
		if _, err := f.Write(zeros[:min(int64(len(zeros)), 2*region-off)]); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// readJournalRegions reads the records of both regions of the file at
// path (none when there is no file), logging a torn tail, and reports
// which regions hold anything but zeros at their start.
func readJournalRegions(path string, log *slog.Logger) (recs []journalRecord, dirty bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	} else if err != nil {
		return nil, false, fmt.Errorf("audit journal: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, false, fmt.Errorf("audit journal: %w", err)
	}
	region := st.Size() / 2
	for r := range int64(2) {
		var h [journalHeader]byte
		if _, err := f.ReadAt(h[:], r*region); err != nil && !errors.Is(err, io.EOF) {
			return nil, false, fmt.Errorf("audit journal: %w", err)
		}
		if allZero(h[:]) {
			continue // the common case: a clean region, nothing more to read
		}
		dirty = true
		b := make([]byte, region)
		if _, err := f.ReadAt(b, r*region); err != nil && !errors.Is(err, io.EOF) {
			return nil, false, fmt.Errorf("audit journal: %w", err)
		}
		rs, end, torn := parseJournal(b)
		if torn != nil {
			log.Warn("audit journal: ignoring the rest of a region after a record that does not parse (a write cut short by a crash; the entries before it are kept)",
				"file", path, "region", r, "records_kept", len(rs), "offset", end, "reason", torn.Error())
		}
		recs = append(recs, rs...)
	}
	return recs, dirty, nil
}

// write writes b at off of region r.
func (j *journalFile) write(r int, off int64, b []byte) error {
	_, err := j.f.WriteAt(b, int64(r)*j.region+off)
	return err
}

// zero overwrites the first n bytes of region r with zeros and syncs them
// through fd.
func (j *journalFile) zero(r int, n int64, fd *os.File) error {
	zeros := make([]byte, min(n, 1<<20))
	for off := int64(0); off < n; off += int64(len(zeros)) {
		if err := j.write(r, off, zeros[:min(int64(len(zeros)), n-off)]); err != nil {
			return err
		}
	}
	return fdatasync(fd)
}

func (j *journalFile) close() error {
	var errs []error
	for _, fd := range j.syncFD {
		errs = append(errs, fd.Close())
	}
	if j.f != nil {
		errs = append(errs, j.f.Close())
	}
	return errors.Join(errs...)
}
