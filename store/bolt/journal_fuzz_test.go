package bolt

import (
	"bytes"
	"testing"
)

// FuzzParseJournal: whatever a region holds after a crash, parsing it
// does not panic, and what it returns is a run of whole records from the
// region's start, in increasing sequence, each exactly the bytes its
// encoding gives, ending at zeros or with the reason it stopped.
// testdata/fuzz/FuzzParseJournal holds a clean region, a torn tail, a
// checksum failure, a sequence out of order and garbage.
func FuzzParseJournal(f *testing.F) {
	two := appendJournalRecord(appendJournalRecord(nil, 7, []byte(`{"id":"a"}`)), 8, []byte(`{"id":"b","box":"x"}`))
	f.Add(append(two, make([]byte, 40)...))
	f.Add(two[:len(two)-5])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, end, torn := parseJournal(b)
		if end < 0 || end > len(b) {
			t.Fatalf("end %d outside [0, %d]", end, len(b))
		}
		off := 0
		var last uint64
		var again []byte
		for _, r := range recs {
			if r.off != off || r.seq <= last {
				t.Fatalf("record at %d (seq %d) after offset %d, seq %d", r.off, r.seq, off, last)
			}
			enc := appendJournalRecord(nil, r.seq, r.val)
			if !bytes.Equal(enc, b[off:off+len(enc)]) {
				t.Fatalf("record at %d is not its encoding", off)
			}
			again = append(again, enc...)
			off, last = off+len(enc), r.seq
		}
		if off != end {
			t.Fatalf("records end at %d, parse at %d", off, end)
		}
		if torn == nil && !allZero(b[end:min(end+journalHeader, len(b))]) {
			t.Fatalf("a clean end at %d before bytes that are not zeros", end)
		}
		if torn != nil && allZero(b[end:min(end+journalHeader, len(b))]) {
			t.Fatalf("a torn record at %d that is zeros: %v", end, torn)
		}
		// The records read are read again the same from their own bytes.
		recs2, end2, torn2 := parseJournal(again)
		if torn2 != nil || end2 != len(again) || len(recs2) != len(recs) {
			t.Fatalf("re-reading the records: %d of %d, end %d of %d, %v", len(recs2), len(recs), end2, len(again), torn2)
		}
	})
}
