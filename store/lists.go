package store

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// A graduate's stored list in a run is personal data: 公益性岗位 are
// recommended only to graduates in hardship (the eligibility rule), so a
// list naming one tells whoever reads it that the graduate is in hardship,
// and the items' reasons say more. Both stores keep each list sealed,
// bound to its run and graduate (a box copied onto another graduate's
// list, or another run's, does not open), and open it once per read.
//
// Sealing alone would still tell hardship by size: only hardship graduates
// have 一人一策 plan items (matcher.StoredRecommendation.Plan), which more
// than double a list (on a generated set, 12.6–16.6 KB against 5.5–7.8 KB:
// every hardship graduate told apart by the box's length). So a list is
// two boxes: the default list, kept under the graduate's ID like every
// graduate's, and the plan items, kept apart under a keyed hash of the run
// and the graduate (PlanTag) that names no one without the data key. Both
// are compressed and padded to a multiple of packPad (listpack.go), so a
// box's length tells only roughly how long (and how repetitive) its
// reasons are; default lists of hardship graduates and of others fall in
// the same range (docs/security.md).

// listPad is the size a list's JSON was padded to a multiple of (with
// spaces, which JSON ignores after a value) before lists were compressed;
// a compressed list is padded to a multiple of packPad (listpack.go).
const listPad = 2048

// SealedList is a graduate's list in a run as a store keeps it.
type SealedList struct {
	Box  []byte // the default list (the items not marked Plan)
	Plan []byte // the plan items; nil when there are none
	Tag  []byte // the name Plan is kept under (PlanTag); nil without Plan
	// Digest is the keyed digest of the default list's posts (ListDigest),
	// kept beside the box for the nightly diff.
	Digest []byte
}

// sealedBox is a box's plain text: the items, and in the default list's
// box whether plan items are kept apart (so a reader looks for them only
// then).
type sealedBox struct {
	Items []matcher.StoredRecommendation `json:"items"`
	Plan  bool                           `json:"plan,omitempty"`
	// encoded: the items' Item JSON is in encoding/json's form already
	// (matcher.GraduateRecommendations.Encoded), copied without a check.
	encoded bool
}

// SealList seals a graduate's list in a run, keeping the items' order
// within each box (readers sort by rank, stably: the batch writes the
// default list first and the plan items after it).
func SealList(keys *seal.Keyring, runID, graduateID string, items []matcher.StoredRecommendation) (SealedList, error) {
	return sealList(keys, runID, graduateID, items, false)
}

// SealRecommendations is SealList of gr, whose items' JSON is sealed
// without a check when gr says it is in encoding/json's form already
// (matcher.GraduateRecommendations.Encoded: the nightly batch's lists).
func SealRecommendations(keys *seal.Keyring, runID string, gr *matcher.GraduateRecommendations) (SealedList, error) {
	return sealList(keys, runID, gr.GraduateID, gr.Items, gr.Encoded)
}

func sealList(keys *seal.Keyring, runID, graduateID string, items []matcher.StoredRecommendation, encoded bool) (SealedList, error) {
	if keys == nil {
		return SealedList{}, ErrNoDataKey
	}
	def := sealedBox{Items: make([]matcher.StoredRecommendation, 0, len(items)), encoded: encoded}
	plan := sealedBox{encoded: encoded}
	for _, it := range items {
		if it.Plan {
			plan.Items = append(plan.Items, it)
		} else {
			def.Items = append(def.Items, it)
		}
	}
	def.Plan = len(plan.Items) > 0
	box, err := sealPadded(keys, def, listAAD(runID, graduateID))
	if err != nil {
		return SealedList{}, fmt.Errorf("list of graduate %s in run %s: %w", graduateID, runID, err)
	}
	sl := SealedList{Box: box, Digest: ListDigest(keys, graduateID, matcher.DefaultPosts(items))}
	if def.Plan {
		if sl.Plan, err = sealPadded(keys, plan, planAAD(runID, graduateID)); err != nil {
			return SealedList{}, fmt.Errorf("plan of graduate %s in run %s: %w", graduateID, runID, err)
		}
		sl.Tag = PlanTag(keys, runID, graduateID)
	}
	return sl, nil
}

// sealPadded seals b's JSON compressed and padded (appendPacked).
func sealPadded(keys *seal.Keyring, b sealedBox, aad []byte) ([]byte, error) {
	buf, packed := plainBufs.Get().(*[]byte), plainBufs.Get().(*[]byte)
	defer plainBufs.Put(buf)
	defer plainBufs.Put(packed)
	plain, err := appendMarshalBox((*buf)[:0], b)
	*buf = plain
	if err != nil {
		return nil, err
	}
	*packed = appendPacked((*packed)[:0], plain)
	return keys.Seal(*packed, aad), nil
}

// padSpaces pads JSON with spaces to a multiple of listPad: the form
// lists were sealed in before they were compressed (kept for the tests
// that write a list as the old code did).
func padSpaces(plain []byte) []byte {
	if r := len(plain) % listPad; r != 0 {
		plain = append(plain, spaces[:listPad-r]...)
	}
	return plain
}

// plainBufs hold a box's plain text while it is sealed: only the sealed
// box is kept (a batch run sealed 300 MB of plain text, each list's in a
// buffer of its own).
var plainBufs = sync.Pool{New: func() any { return new([]byte) }}

// spaces are a box's padding.
var spaces = bytes.Repeat([]byte{' '}, listPad)

// PlanTag names the plan items of a graduate's list in a run under the
// current key: a keyed hash, so the name tells no one whose plan it is.
// It depends on the run, so one graduate's plans in two runs do not share
// a name either (which, beside the runs each graduate's list is in, would
// narrow down whose they are).
func PlanTag(keys *seal.Keyring, runID, graduateID string) []byte {
	return keys.MAC("plan", []byte(runID+"\x00"+graduateID))
}

// PlanTags are the names the plan items may be under with any key of the
// ring, the current key's first (during a rotation, a list not yet moved
// has its plan under the previous key's name).
func PlanTags(keys *seal.Keyring, runID, graduateID string) [][]byte {
	return keys.MACs("plan", []byte(runID+"\x00"+graduateID))
}

// OpenDefaultList is OpenList without plan items: those of a list in the
// clear, which holds them inline, are dropped, so a reader asking for the
// default list gets the same from every list whatever its age.
func OpenDefaultList(keys *seal.Keyring, runID, graduateID string, box []byte) ([]matcher.StoredRecommendation, error) {
	items, _, err := OpenList(keys, runID, graduateID, box)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(items, func(it matcher.StoredRecommendation) bool { return it.Plan }), nil
}

// OpenList opens a stored list's default box and reports whether the
// graduate has plan items kept apart (OpenPlan opens them). A list written
// before lists were sealed is its JSON array in the clear, plan items
// included (it begins with '['; a box begins with its version byte), read
// as it is until a data-key pass seals it.
func OpenList(keys *seal.Keyring, runID, graduateID string, box []byte) (items []matcher.StoredRecommendation, plan bool, err error) {
	if ListInClear(box) {
		if err := json.Unmarshal(box, &items); err != nil {
			return nil, false, fmt.Errorf("list of graduate %s in run %s: %w", graduateID, runID, err)
		}
		return items, false, nil
	}
	b, err := openBox(keys, box, listAAD(runID, graduateID))
	if err != nil {
		return nil, false, fmt.Errorf("list of graduate %s in run %s: %w", graduateID, runID, err)
	}
	return b.Items, b.Plan, nil
}

// OpenPlan opens the box of a list's plan items (nil: missing, an error).
func OpenPlan(keys *seal.Keyring, runID, graduateID string, box []byte) ([]matcher.StoredRecommendation, error) {
	if box == nil {
		return nil, fmt.Errorf("plan of graduate %s in run %s: %w", graduateID, runID, errPlanMissing)
	}
	b, err := openBox(keys, box, planAAD(runID, graduateID))
	if err != nil {
		return nil, fmt.Errorf("plan of graduate %s in run %s: %w", graduateID, runID, err)
	}
	return b.Items, nil
}

var errPlanMissing = errors.New("the list names plan items that are not stored")

func openBox(keys *seal.Keyring, box, aad []byte) (sealedBox, error) {
	if keys == nil {
		return sealedBox{}, ErrNoDataKey
	}
	// The items keep slices of the JSON, which needs a buffer of its own;
	// a compressed box is opened into a recycled one, from which only the
	// JSON is unpacked (a box sealed before is copied out of it).
	buf := plainBufs.Get().(*[]byte)
	defer plainBufs.Put(buf)
	plain, err := keys.OpenAppend((*buf)[:0], box, aad)
	if err != nil {
		return sealedBox{}, err
	}
	*buf = plain
	if len(plain) == 0 || plain[0] != packedS2 {
		return decodeBox(bytes.Clone(plain))
	}
	if plain, err = unpack(nil, plain); err != nil {
		return sealedBox{}, err
	}
	return decodeBox(plain)
}

// ListInClear reports whether a stored list was written in the clear
// (before lists were sealed).
func ListInClear(stored []byte) bool { return len(stored) > 0 && stored[0] == '[' }

func listAAD(runID, graduateID string) []byte {
	return []byte("list\x00" + runID + "\x00" + graduateID)
}
func planAAD(runID, graduateID string) []byte {
	return []byte("plan\x00" + runID + "\x00" + graduateID)
}

// postsBox is a box's plain text as ListPosts reads it: each item's post,
// kind, rank and plan mark, the explained item (most of the text) skipped
// without being kept.
type postsBox struct {
	Items []postRef `json:"items"`
}

type postRef struct {
	PostID string       `json:"post_id"`
	Kind   matcher.Kind `json:"kind"`
	Rank   int          `json:"rank"`
	Plan   bool         `json:"plan"`
}

// ListPosts opens a stored list's default box and returns the posts of
// the graduate's default list (jobs and internships, not the 一人一策 plan's
// items), in rank order: what the nightly batch compares a new run's lists
// with, without decoding every item's explanation.
func ListPosts(keys *seal.Keyring, runID, graduateID string, box []byte) ([]string, error) {
	var b postsBox
	var err error
	if ListInClear(box) {
		b.Items, err = decodePostRefs(box, true)
	} else {
		if keys == nil {
			return nil, ErrNoDataKey
		}
		// The plain text is parsed into new strings and dropped: it is
		// opened into a recycled buffer, as sealPadded seals from one.
		buf, text := plainBufs.Get().(*[]byte), plainBufs.Get().(*[]byte)
		var plain, js []byte
		if plain, err = keys.OpenAppend((*buf)[:0], box, listAAD(runID, graduateID)); err == nil {
			*buf = plain
			if js, err = unpack((*text)[:0], plain); err == nil {
				b.Items, err = decodePostRefs(js, false)
				if len(plain) > 0 && plain[0] == packedS2 { // js is text's, not buf's
					*text = js
				}
			}
		}
		plainBufs.Put(buf)
		plainBufs.Put(text)
	}
	if err != nil {
		return nil, fmt.Errorf("list of graduate %s in run %s: %w", graduateID, runID, err)
	}
	byRank := func(x, y postRef) int { return cmp.Compare(x.Rank, y.Rank) }
	if !slices.IsSortedFunc(b.Items, byRank) { // the batch writes them in rank order
		slices.SortStableFunc(b.Items, byRank)
	}
	var out []string
	if len(b.Items) > 0 {
		out = make([]string, 0, len(b.Items)) // one allocation, not append's several
	}
	for _, it := range b.Items {
		if matcher.InDefaultList(it.Kind, it.Plan) {
			out = append(out, it.PostID)
		}
	}
	if len(out) == 0 {
		return nil, nil // as before the one allocation: no posts, no list
	}
	return out, nil
}
