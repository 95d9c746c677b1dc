package bolt

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// TestEventsSealed: a feedback event's post and an audit entry's action
// and detail beside a graduate (a 公益性岗位 named beside a graduate, or
// the action of a district's 一人一策 handout list, says they are in
// hardship) are not in the file; written in the clear by an older
// jobmatch, they are sealed by the next keyed open and read back the same;
// an entry naming no graduate stays readable.
func TestEventsSealed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobmatch.db")
	s, err := Open(path, storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const post, detail = "welfare-fb:GY0051", "add welfare-plan:GY0052"
	const oldPost, oldDetail = "legacy-fb:GY0053", "post legacy-cand:GY0054"
	if err := s.RecordFeedback(ctx, matcher.FeedbackEvent{ID: "e1", GraduateID: "G1", PostID: post, Type: matcher.FeedbackClick, Source: "key:k1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Audit(ctx, matcher.AuditEntry{ID: "a1", KeyID: "k1", Action: "shortlist.write", GraduateID: "G1", Detail: detail}); err != nil {
		t.Fatal(err)
	}
	if err := s.AuditBatch(ctx, []matcher.AuditEntry{{ID: "a2", KeyID: "k1", Action: "key.revoke", Detail: "revoked-k7"}}); err != nil {
		t.Fatal(err)
	}
	// What an older jobmatch wrote: the event and the entry in the clear.
	old := matcher.FeedbackEvent{ID: "e0", GraduateID: "G2", PostID: oldPost, Type: matcher.FeedbackApply, Source: "zhaopin",
		At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	oldEntry := matcher.AuditEntry{ID: "a0", KeyID: "k1", Action: "post.candidates", GraduateID: "G2", Detail: oldDetail, At: old.At}
	err = s.db.Update(func(tx *bbolt.Tx) error {
		k := timeKey(old.At, old.Source+"\x00"+old.ID)
		if err := tx.Bucket(bFeedbackID).Put(feedbackIDKey(old.Source, old.ID), k); err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(bFeedback), k, &old); err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(bAudit), u64(0), &oldEntry); err != nil {
			return err
		}
		return tx.Bucket(bMeta).Delete(metaEventsSealed)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	raw, _ := os.ReadFile(path)
	for _, sec := range []string{post, detail, "shortlist.write"} {
		if bytes.Contains(raw, []byte(sec)) {
			t.Errorf("%q is in the clear in the file", sec)
		}
	}
	if !bytes.Contains(raw, []byte(oldPost)) || !bytes.Contains(raw, []byte(oldDetail)) || !bytes.Contains(raw, []byte("post.candidates")) ||
		!bytes.Contains(raw, []byte("revoked-k7")) || !bytes.Contains(raw, []byte("key.revoke")) {
		t.Fatal("the legacy event, the legacy entry or the entry naming no graduate is not in the clear: the test proves nothing")
	}
	s, err = Open(path, storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	raw, _ = os.ReadFile(path)
	for _, sec := range []string{post, detail, oldPost, oldDetail, "shortlist.write", "post.candidates"} {
		if bytes.Contains(raw, []byte(sec)) {
			t.Errorf("%q is in the clear after the first keyed open", sec)
		}
	}
	var fb []string
	if err := s.EachFeedback(ctx, time.Time{}, func(e matcher.FeedbackEvent) error {
		fb = append(fb, e.Source+"/"+e.ID+"/"+e.GraduateID+"/"+e.PostID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(fb) != 2 || fb[0] != "zhaopin/e0/G2/"+oldPost || fb[1] != "key:k1/e1/G1/"+post {
		t.Fatalf("feedback after sealing: %q", fb)
	}
	log, err := s.AuditLog(ctx, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range log {
		got = append(got, e.ID+"|"+e.Action+"|"+e.Detail)
	}
	if len(got) != 3 || got[0] != "a2|key.revoke|revoked-k7" || got[1] != "a1|shortlist.write|"+detail || got[2] != "a0|post.candidates|"+oldDetail {
		t.Fatalf("audit log after sealing: %q", got)
	}
	if n, err := s.RotateDataKey(ctx, nil); err != nil || n != 0 {
		t.Fatalf("a second pass re-sealed %d: %v", n, err)
	}
}
