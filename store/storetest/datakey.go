package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// DataKeyBackend is what RunDataKey needs of a backend: the same store
// opened again with other keys, and every byte the backend keeps.
type DataKeyBackend struct {
	// Open opens the test's store (the same one every time, created on
	// the first call) with keys, closing the one it opened before.
	Open func(t *testing.T, keys *seal.Keyring) (matcher.FullStore, error)
	// Raw returns what someone with the files (or a pg_dump) reads.
	Raw func(t *testing.T) []byte
}

func keyring(t *testing.T, b byte, prev ...byte) *seal.Keyring {
	t.Helper()
	var ps [][]byte
	for _, p := range prev {
		ps = append(ps, bytes.Repeat([]byte{p}, 32))
	}
	r, err := seal.New(bytes.Repeat([]byte{b}, 32), ps...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// secretsOf lists what must never be readable at rest: every name,
// national ID and phone of gs, their birth dates and the notes.
func secretsOf(gs []matcher.Graduate, notes []string) []string {
	out := append([]string(nil), notes...)
	for _, g := range gs {
		out = append(out, g.Name, g.NationalID, g.Phone)
	}
	return append(out, "2003-01-01")
}

func inClear(raw []byte, secrets []string) []string {
	var found []string
	for _, s := range secrets {
		if s != "" && bytes.Contains(raw, []byte(s)) {
			found = append(found, s)
		}
	}
	return found
}

// RunDataKey holds a backend to the data-key contract: personal data
// (names, national IDs, phones, hardship, birth dates, casework notes)
// is nowhere in the clear; another key does not open the store; a
// rotation cut off part-way resumes, refuses processes with only the old
// key meanwhile, and leaves every record readable with the new key alone.
func RunDataKey(t *testing.T, b DataKeyBackend) {
	ctx := context.Background()
	keyA := keyring(t, 0xa1)
	s, err := b.Open(t, keyA)
	must(t, err)
	// More graduates than one rotation batch (500), so a rotation cut
	// off after its first batch has work left.
	var gs []matcher.Graduate
	for n := 1; n <= 620; n++ {
		g := Graduate(n)
		g.Name = fmt.Sprintf("阿依古丽%04d", n)
		gs = append(gs, g)
	}
	_, err = s.UpsertGraduates(ctx, gs)
	must(t, err)
	notes := []string{"家住幸福路 12 号，电话 13912345678", "身份证 650102199901011234 已核对"}
	must(t, s.LogContact(ctx, matcher.ContactEntry{GraduateID: gs[0].ID, KeyID: "k", Method: "phone", Outcome: "reached", Note: notes[0]}))
	// The post a counselor adds to a plan is sealed like the note: a
	// 公益性岗位 on a graduate's plan tells as much as in the batch's list.
	const planPost = "welfare-plan:GY0002"
	must(t, s.EditShortlist(ctx, matcher.ShortlistEdit{GraduateID: gs[1].ID, PostID: planPost, Action: "add", KeyID: "k", Note: notes[1]}))
	lists := saveSecretLists(t, s, gs[:3])
	staff := &matcher.User{Name: "atdk.wang", FullName: "热依拉·阿不都", Contact: "0991-5558888", Role: matcher.RoleCounselor,
		District: "天山区", PasswordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"}
	must(t, s.CreateUser(ctx, staff))
	// A feedback event and an audit entry naming a graduate and a post
	// say as much as the plan: the event's post, the entry's action and
	// detail are sealed too.
	const fbPost, auditPost = "welfare-feedback:GY0003", "welfare-audit:GY0004"
	must(t, s.RecordFeedback(ctx, matcher.FeedbackEvent{ID: "fb1", GraduateID: gs[2].ID, PostID: fbPost, Type: matcher.FeedbackApply, Source: "key:k"}))
	must(t, s.Audit(ctx, matcher.AuditEntry{KeyID: "k", Role: matcher.RoleCounselor, Action: "shortlist.write", GraduateID: gs[2].ID, Detail: "add " + auditPost}))
	must(t, s.Audit(ctx, matcher.AuditEntry{KeyID: "k", Role: matcher.RoleAdmin, Action: "key.revoke", Detail: "revoked-key-k9"}))
	secrets := append(secretsOf(gs, notes), listSecrets...)
	secrets = append(secrets, staff.FullName, staff.Contact, planPost, fbPost, auditPost, "shortlist.write")
	raw := b.Raw(t)
	if !bytes.Contains(raw, []byte(gs[619].ID)) || !bytes.Contains(raw, []byte(gs[619].School)) {
		t.Fatal("the raw bytes do not hold the records at all: the search below would prove nothing")
	}
	if found := inClear(raw, secrets); len(found) > 0 {
		t.Fatalf("%d secrets in the clear at rest, e.g. %q", len(found), found[0])
	}

	// Another key alone does not open the store.
	if _, err := b.Open(t, keyring(t, 0xb2)); err == nil || !strings.Contains(err.Error(), "not the one") {
		t.Fatalf("opened with another key: %v", err)
	}

	// Rotate to B, cut off after the first batch.
	keyBA := keyring(t, 0xb2, 0xa1)
	s, err = b.Open(t, keyBA)
	must(t, err)
	cut, cancel := context.WithCancel(ctx)
	_, err = s.(matcher.DataKeyRotator).RotateDataKey(cut, func(int) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("rotation cut off: %v", err)
	}
	// Meanwhile a process with the old key only is refused: it could not
	// read what moved.
	if _, err := b.Open(t, keyA); err == nil || !strings.Contains(err.Error(), "rotation") {
		t.Fatalf("opened with the old key during a rotation: %v", err)
	}
	s, err = b.Open(t, keyBA)
	must(t, err)
	// The lists are not re-sealed yet (the cut came in the graduates):
	// their digests, made under A, are not taken for B's and the lists'
	// posts are read instead.
	checkLists(t, s, lists, digestsNone)
	n, err := s.(matcher.DataKeyRotator).RotateDataKey(ctx, nil)
	must(t, err)
	if n <= 0 || n > len(gs)+3+len(lists)+1+2 {
		t.Fatalf("the resumed rotation re-sealed %d records", n)
	}
	if n, err := s.(matcher.DataKeyRotator).RotateDataKey(ctx, nil); err != nil || n != 0 {
		t.Fatalf("a rotation with nothing left re-sealed %d: %v", n, err)
	}

	// B alone reads everything; A alone is refused.
	if _, err := b.Open(t, keyA); err == nil {
		t.Fatal("the old key opens the rotated store")
	}
	s, err = b.Open(t, keyring(t, 0xb2))
	must(t, err)
	for _, i := range []int{0, 1, 499, 500, 619} {
		got, err := s.Graduate(ctx, gs[i].ID)
		must(t, err)
		want := gs[i]
		if got.Name != want.Name || got.NationalID != want.NationalID || got.Phone != want.Phone ||
			!got.BirthDate.Equal(want.BirthDate) || len(got.Hardship) != len(want.Hardship) {
			t.Fatalf("graduate %s after rotation: %+v", want.ID, got)
		}
		byNID, err := s.GraduateByNationalID(ctx, want.NationalID)
		must(t, err)
		if byNID.ID != want.ID {
			t.Fatalf("look-up by national ID after rotation: %s, want %s", byNID.ID, want.ID)
		}
	}
	cs, err := s.Contacts(ctx, gs[0].ID)
	must(t, err)
	es, err := s.ShortlistEdits(ctx, gs[1].ID)
	must(t, err)
	if len(cs) != 1 || cs[0].Note != notes[0] || len(es) != 1 || es[0].Note != notes[1] || es[0].PostID != planPost {
		t.Fatalf("notes after rotation: %+v %+v", cs, es)
	}
	checkLists(t, s, lists, digestsAll) // the rotation made their digests again under B
	checkEvents(t, s, gs[2].ID, fbPost, "add "+auditPost)
	for _, get := range []func() (*matcher.User, error){
		func() (*matcher.User, error) { return s.UserByName(ctx, staff.Name) },
		func() (*matcher.User, error) { return s.User(ctx, staff.ID) },
		func() (*matcher.User, error) {
			us, err := s.ListUsers(ctx)
			if err != nil || len(us) != 1 {
				return nil, fmt.Errorf("%d users: %v", len(us), err)
			}
			return &us[0], nil
		},
	} {
		u, err := get()
		must(t, err)
		if u.FullName != staff.FullName || u.Contact != staff.Contact || u.Name != staff.Name || u.PasswordHash != staff.PasswordHash {
			t.Fatalf("staff account after rotation: %+v", u)
		}
	}
	// Re-writing the same graduate changes nothing (the change detector
	// moved to the new key with the data).
	out, err := s.UpsertGraduates(ctx, gs[:3])
	must(t, err)
	outcomes(t, out, matcher.Unchanged, matcher.Unchanged, matcher.Unchanged)
	if found := inClear(b.Raw(t), secrets); len(found) > 0 {
		t.Fatalf("%d secrets in the clear after rotation, e.g. %q", len(found), found[0])
	}
}

// listSecrets are what a stored list must not show: a post only hardship
// graduates are offered (a 公益性岗位 tells the graduate is in hardship)
// and the reason written for it.
var listSecrets = []string{"welfare-secret:GY0001", "公益性岗位：就业困难人员托底安置"}

// saveSecretLists publishes a run in which each of gs has a list naming
// listSecrets' post with its reason, and returns the lists.
func saveSecretLists(t *testing.T, s matcher.FullStore, gs []matcher.Graduate) []matcher.GraduateRecommendations {
	t.Helper()
	ctx := context.Background()
	run := &matcher.Run{}
	must(t, s.CreateRun(ctx, run))
	item := []byte(`{"post_id":"` + listSecrets[0] + `","reasons":["` + listSecrets[1] + `"]}`)
	var lists []matcher.GraduateRecommendations
	for i, g := range gs {
		gr := matcher.GraduateRecommendations{GraduateID: g.ID, Items: []matcher.StoredRecommendation{
			{PostID: listSecrets[0], Kind: matcher.KindJob, Rank: 1, Score: 0.9, Item: item}}}
		if i == 0 { // a 一人一策 graduate's plan items, kept apart
			gr.Items = append(gr.Items, matcher.StoredRecommendation{PostID: "plan:reserve", Kind: matcher.KindJob, Rank: 1, Score: 0.5, Plan: true},
				matcher.StoredRecommendation{PostID: "plan:notes", Kind: "notes", Plan: true})
		}
		lists = append(lists, gr)
	}
	must(t, s.SaveRecommendations(ctx, run.ID, lists))
	must(t, s.PublishRun(ctx, run.ID))
	return lists
}

// checkLists reads the lists back, one by one and through the run's walk.
// want says which lists have a digest under the store's current key.
func checkLists(t *testing.T, s matcher.FullStore, lists []matcher.GraduateRecommendations, want digestsWanted) {
	t.Helper()
	ctx := context.Background()
	for _, want := range lists {
		_, got, err := s.RecommendationsFor(ctx, want.GraduateID)
		must(t, err)
		// The default list alone: the same items, in the same order, less
		// the plan's.
		_, def, err := s.DefaultListFor(ctx, want.GraduateID)
		must(t, err)
		var wantDef []matcher.StoredRecommendation
		for _, it := range got {
			if !it.Plan {
				wantDef = append(wantDef, it)
			}
		}
		if len(def) != len(wantDef) {
			t.Fatalf("default list of %s: %+v, want %+v", want.GraduateID, def, wantDef)
		}
		for i := range def {
			if def[i].PostID != wantDef[i].PostID || def[i].Plan || !bytes.Equal(def[i].Item, wantDef[i].Item) {
				t.Fatalf("default list of %s, item %d: %+v, want %+v", want.GraduateID, i, def[i], wantDef[i])
			}
		}
		if len(got) != len(want.Items) || !slices.ContainsFunc(got, func(it matcher.StoredRecommendation) bool {
			return it.PostID == listSecrets[0] && bytes.Contains(it.Item, []byte(listSecrets[1]))
		}) {
			t.Fatalf("list of %s after rotation: %+v", want.GraduateID, got)
		}
		// Rank order, stable: the notes (rank 0) first, then the list's
		// item and the plan's reserve post (both rank 1) as written.
		for i := range got {
			j := (i + len(got) - 1) % len(got)
			if len(got) == 1 {
				j = 0
			}
			if got[i].PostID != want.Items[j].PostID || got[i].Plan != want.Items[j].Plan {
				t.Fatalf("list of %s after rotation, item %d: %+v, want %+v", want.GraduateID, i, got[i], want.Items[j])
			}
		}
	}
	run, err := s.LatestRun(ctx)
	must(t, err)
	n := 0
	must(t, s.EachRunList(ctx, run.ID, func(gr matcher.GraduateRecommendations) error {
		if len(gr.Items) == 0 || !slices.ContainsFunc(gr.Items, func(it matcher.StoredRecommendation) bool { return it.PostID == listSecrets[0] }) {
			return fmt.Errorf("list of %s in the run's walk after rotation: %+v", gr.GraduateID, gr.Items)
		}
		n++
		return nil
	}))
	if n != len(lists) {
		t.Fatalf("the run's walk gave %d lists, want %d", n, len(lists))
	}
	checkListPosts(t, s, run.ID, want)
}

// checkEvents asserts that the feedback event and the audit entries
// RunDataKey wrote read back whole: the sealed post and detail open, and
// the entry naming no graduate kept its detail.
func checkEvents(t *testing.T, s matcher.FullStore, graduateID, fbPost, detail string) {
	t.Helper()
	ctx := context.Background()
	var fb []matcher.FeedbackEvent
	must(t, s.EachFeedback(ctx, time.Time{}, func(e matcher.FeedbackEvent) error { fb = append(fb, e); return nil }))
	if len(fb) != 1 || fb[0].PostID != fbPost || fb[0].GraduateID != graduateID || fb[0].Type != matcher.FeedbackApply {
		t.Fatalf("feedback after rotation: %+v", fb)
	}
	log, err := s.AuditLog(ctx, "", 10)
	must(t, err)
	var got []string
	for _, e := range log {
		got = append(got, e.Action+"|"+e.GraduateID+"|"+e.Detail)
	}
	want := []string{"key.revoke||revoked-key-k9", "shortlist.write|" + graduateID + "|" + detail}
	if !slices.Equal(got, want) {
		t.Fatalf("audit log after rotation: %q, want %q", got, want)
	}
}
