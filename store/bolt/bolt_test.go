package bolt

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/seal"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
	bbolt "go.etcd.io/bbolt"
)

func openTemp(t *testing.T, now func() time.Time) matcher.FullStore {
	s, err := Open(filepath.Join(t.TempDir(), "jobmatch.db"), storetest.Keys(), WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestContract(t *testing.T) { storetest.Run(t, openTemp) }

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d", "jobmatch.db")
	s, err := Open(path, storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	p := storetest.Post("a", 1)
	if _, err := s.UpsertPosts(context.Background(), []matcher.Post{p}); err != nil {
		t.Fatal(err)
	}
	seq, _ := s.PostSeq(context.Background())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out, err := s.UpsertPosts(context.Background(), []matcher.Post{p})
	if err != nil || out[0] != matcher.Unchanged {
		t.Fatalf("after reopen: %v %v", out, err)
	}
	if seq2, _ := s.PostSeq(context.Background()); seq2 != seq || seq == 0 {
		t.Fatalf("sequence %d after reopen, was %d", seq2, seq)
	}
}

func TestSecondOpenIsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the lock timeout")
	}
	path := filepath.Join(t.TempDir(), "jobmatch.db")
	s, err := Open(path, storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// bbolt's flock is per open file description, so a second Open in the
	// same process contends like a second process would.
	_, err = Open(path, nil)
	if err == nil || !strings.Contains(err.Error(), "single-process") {
		t.Fatalf("second open: %v", err)
	}
}

func TestDataKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobmatch.db")
	var open *Store
	t.Cleanup(func() {
		if open != nil {
			open.Close()
		}
	})
	storetest.RunDataKey(t, storetest.DataKeyBackend{
		Open: func(t *testing.T, keys *seal.Keyring) (matcher.FullStore, error) {
			if open != nil {
				open.Close()
				open = nil
			}
			s, err := Open(path, keys)
			if err == nil {
				open = s
			}
			return s, err
		},
		Raw: func(t *testing.T) []byte {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			return b
		},
	})
}

// TestNoKeyRefusesPersonalData: a store opened without a key serves posts
// but refuses graduates and casework, naming the missing key.
func TestNoKeyRefusesPersonalData(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "jobmatch.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.UpsertPosts(ctx, []matcher.Post{storetest.Post("a", 1)}); err != nil {
		t.Fatal(err)
	}
	for what, err := range map[string]error{
		"upsert":    func() error { _, err := s.UpsertGraduates(ctx, []matcher.Graduate{storetest.Graduate(1)}); return err }(),
		"read":      func() error { _, err := s.Graduate(ctx, "G0000001"); return err }(),
		"walk":      s.EachGraduate(ctx, matcher.GraduateFilter{}, func(*matcher.Graduate) error { return nil }),
		"contacts":  func() error { _, err := s.Contacts(ctx, "G0000001"); return err }(),
		"log":       s.LogContact(ctx, matcher.ContactEntry{GraduateID: "G0000001", KeyID: "k", Method: "phone"}),
		"by the ID": func() error { _, err := s.GraduateByNationalID(ctx, "650102200301010001"); return err }(),
	} {
		if err == nil || !strings.Contains(err.Error(), "no data key") {
			t.Errorf("%s without a key: %v", what, err)
		}
	}
}

// TestLegacyFileIsSealed: a file written before the store sealed personal
// data (graduates and casework in plain JSON, an unkeyed hash index) is
// sealed on its first open with a key and compacted, so that no page of
// the file keeps the clear text; everything reads back the same.
func TestLegacyFileIsSealed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobmatch.db")
	g := storetest.Graduate(7)
	g.Name = "买买提·艾力"
	contact := matcher.ContactEntry{ID: "c1", GraduateID: g.ID, KeyID: "k", Method: "phone", Outcome: "reached", Note: "父亲电话 13987654321"}
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		body, _ := json.Marshal(g)
		if err := tx.Bucket(bGraduates).Put([]byte(g.ID), encodeRecord(time.Now(), body)); err != nil {
			return err
		}
		if err := tx.Bucket(bGradNID).Put(legacyNIDKey(g.NationalID), []byte(g.ID)); err != nil {
			return err
		}
		for _, d := range gradDistricts(&g) {
			if err := tx.Bucket(bGradDist).Put(join(d, []byte(g.ID)), nil); err != nil {
				return err
			}
		}
		cb, _ := json.Marshal(contact)
		return tx.Bucket(bContacts).Put(join(g.ID, u64(1)), cb)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	secrets := []string{g.Name, g.NationalID, g.Phone, contact.Note}
	raw, _ := os.ReadFile(path)
	if !bytes.Contains(raw, []byte(g.NationalID)) {
		t.Fatal("the legacy file does not hold the ID in the clear: the test proves nothing")
	}

	s, err := Open(path, storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	raw, _ = os.ReadFile(path)
	for _, sec := range secrets {
		if bytes.Contains(raw, []byte(sec)) {
			t.Errorf("%q still in the clear after the first keyed open", sec)
		}
	}
	ctx := context.Background()
	got, err := s.GraduateByNationalID(ctx, g.NationalID)
	if err != nil || got.Name != g.Name || got.Phone != g.Phone {
		t.Fatalf("graduate after sealing: %+v %v", got, err)
	}
	cs, err := s.Contacts(ctx, g.ID)
	if err != nil || len(cs) != 1 || cs[0].Note != contact.Note {
		t.Fatalf("contacts after sealing: %+v %v", cs, err)
	}
	if n, err := s.RotateDataKey(ctx, nil); err != nil || n != 0 {
		t.Fatalf("a second pass re-sealed %d: %v", n, err)
	}
}

// TestLegacyListsAreSealed: a file whose batch lists and staff accounts'
// names and phones were written in the clear (before they were sealed)
// has them sealed on its next keyed open, and they read back the same.
func TestLegacyListsAreSealed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jobmatch.db")
	s, err := Open(path, storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	g := storetest.Graduate(3)
	if _, err := s.UpsertGraduates(ctx, []matcher.Graduate{g}); err != nil {
		t.Fatal(err)
	}
	run := &matcher.Run{}
	if err := s.CreateRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	if err := s.PublishRun(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	const post = "legacy-welfare:GY0042"
	list := []matcher.StoredRecommendation{{PostID: post, Kind: matcher.KindJob, Rank: 1, Score: 0.5}}
	// And a staff account whose full name and phone are in the clear.
	staff := matcher.User{ID: "u1", Name: "legacy.li", FullName: "李建国", Contact: "0991-7776666", Role: matcher.RoleCounselor, PasswordHash: "$argon2id$x"}
	err = s.db.Update(func(tx *bbolt.Tx) error {
		if err := putJSON(tx.Bucket(bRecs), join(run.ID, []byte(g.ID)), list); err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(bUsers), []byte(staff.ID), staff); err != nil {
			return err
		}
		if err := tx.Bucket(bUserName).Put([]byte(staff.Name), []byte(staff.ID)); err != nil {
			return err
		}
		for _, m := range [][]byte{metaListsSealed, metaUsersSealed} {
			if err := tx.Bucket(bMeta).Delete(m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if raw, _ := os.ReadFile(path); !bytes.Contains(raw, []byte(post)) {
		t.Fatal("the legacy list is not in the clear: the test proves nothing")
	}
	s, err = Open(path, storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	raw, _ := os.ReadFile(path)
	for _, sec := range []string{post, staff.FullName, staff.Contact} {
		if bytes.Contains(raw, []byte(sec)) {
			t.Errorf("%q is still in the clear after the first open", sec)
		}
	}
	if u, err := s.UserByName(ctx, staff.Name); err != nil || u.FullName != staff.FullName || u.Contact != staff.Contact {
		t.Fatalf("the staff account after sealing: %+v %v", u, err)
	}
	_, got, err := s.RecommendationsFor(ctx, g.ID)
	if err != nil || len(got) != 1 || got[0].PostID != post {
		t.Fatalf("list after sealing: %+v %v", got, err)
	}
	if n, err := s.RotateDataKey(ctx, nil); err != nil || n != 0 {
		t.Fatalf("a second pass re-sealed %d: %v", n, err)
	}
}

// TestListSizeHidesPlans: a 一人一策 graduate's list (default items and
// plan items) and another graduate's list of the same default items are
// stored as boxes of one size under the graduates' IDs; the plan items
// are kept apart, under a name that is not the graduate's ID.
func TestListSizeHidesPlans(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "jobmatch.db"), storetest.Keys())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	a, b := storetest.Graduate(1), storetest.Graduate(2)
	if _, err := s.UpsertGraduates(ctx, []matcher.Graduate{a, b}); err != nil {
		t.Fatal(err)
	}
	run := &matcher.Run{}
	if err := s.CreateRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	var def, plan []matcher.StoredRecommendation
	for i := range 8 {
		def = append(def, matcher.StoredRecommendation{PostID: fmt.Sprintf("p:%d", i), Kind: matcher.KindJob, Rank: i + 1, Score: 1,
			Item: json.RawMessage(`{"reasons":["` + strings.Repeat("专业对口", 40+i) + `"]}`)})
		plan = append(plan, matcher.StoredRecommendation{PostID: fmt.Sprintf("c:%d", i), Kind: matcher.KindCourse, Rank: i + 1, Plan: true,
			Item: json.RawMessage(`{"reasons":["` + strings.Repeat("培训", 60) + `"]}`)})
	}
	if err := s.SaveRecommendations(ctx, run.ID, []matcher.GraduateRecommendations{
		{GraduateID: a.ID, Items: append(slices.Clone(def), plan...)}, {GraduateID: b.ID, Items: def}}); err != nil {
		t.Fatal(err)
	}
	err = s.db.View(func(tx *bbolt.Tx) error {
		la, lb := len(tx.Bucket(bRecs).Get(join(run.ID, []byte(a.ID)))), len(tx.Bucket(bRecs).Get(join(run.ID, []byte(b.ID))))
		if la == 0 || la != lb {
			t.Errorf("the list with plan items is a box of %d bytes, the one without %d", la, lb)
		}
		n := 0
		tx.Bucket(bPlans).ForEach(func(k, _ []byte) error {
			if bytes.Contains(k, []byte(a.ID)) {
				t.Errorf("the plan items are kept under the graduate's ID: %q", k)
			}
			n++
			return nil
		})
		if n != 1 {
			t.Errorf("%d plan boxes, want 1", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PublishRun(ctx, run.ID); err != nil {
		t.Fatal(err)
	}
	if _, got, err := s.RecommendationsFor(ctx, a.ID); err != nil || len(got) != 16 || !got[1].Plan || got[0].Plan {
		t.Fatalf("the list with its plan items: %d items, %v", len(got), err)
	}
	if err := s.DeleteGraduate(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	s.db.View(func(tx *bbolt.Tx) error {
		if k, _ := tx.Bucket(bPlans).Cursor().First(); k != nil {
			t.Error("the deleted graduate's plan items are still stored")
		}
		return nil
	})
}
