package casework

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Edit actions a request may ask for. An admin's add of an item the rules
// exclude is an add with Override set (stored as matcher.EditAddOverride).
var editActions = []string{matcher.EditAdd, matcher.EditRemove, matcher.EditPin, matcher.EditUnpin, matcher.EditConfirm}

// EditRequest is one counselor edit of a plan.
type EditRequest struct {
	Action string // add, remove, pin, unpin, confirm
	PostID string // a post, internship or course id; "" for confirm
	Note   string
	// Override: an admin adds (or pins) an item the rules exclude; Note
	// must say why. The handler audits it.
	Override bool
	KeyID    string
	Role     matcher.Role
}

// errStale: the plan changed between the snapshot and the transaction in
// a way the snapshot cannot judge (an item added meanwhile); Edit reads
// again.
var errStale = errors.New("casework: plan changed meanwhile")

// Edit applies one edit to g's plan and returns the plan after it. An
// edit that would change nothing (add an item already there, remove or
// pin one that is not, confirm a confirmed plan) is a conflict, so the
// log holds only real changes. Only open posts and courses can be added,
// and a post only when the rules admit g (an admin may override with a
// note). The post limit and the append are one transaction.
func (s *Service) Edit(ctx context.Context, g *matcher.Graduate, req EditRequest) (*matcher.Plan, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		err := s.edit(ctx, g, req, req.Note)
		if !errors.Is(err, errStale) || attempt == 4 {
			if err != nil {
				return nil, err
			}
			p, err := s.Plan(ctx, g)
			if err == nil && matcher.PlanGraduate(g, s.policy()) {
				ft := s.newFact(g)
				ft.plan = planFactOf(p)
				s.patch(g.ID, ft)
			}
			return p, err
		}
	}
}

// Validate checks the request on its own (before the graduate is looked
// up, so a bad request is a 400 whoever it is about) and cleans its note.
func (r *EditRequest) Validate() error {
	switch {
	case r.Action == "":
		return invalid("action", "缺少 action（add、remove、pin、unpin 或 confirm）", "action is required: add, remove, pin, unpin or confirm")
	case !slices.Contains(editActions, r.Action):
		return invalid("action", "未知操作：%s（应为 add、remove、pin、unpin 或 confirm）", "unknown action %q: want add, remove, pin, unpin or confirm", clip(r.Action))
	case r.Action != matcher.EditConfirm && r.PostID == "":
		return invalid("post_id", "缺少 post_id", "post_id is required")
	case r.Action == matcher.EditConfirm && r.PostID != "":
		return invalid("post_id", "确认计划时不带 post_id", "confirm takes no post_id")
	}
	note, err := CleanNote(r.Note, "note", 200)
	if err != nil {
		return err
	}
	r.Note = note
	if r.Override {
		switch {
		case r.Role != matcher.RoleAdmin:
			return matcher.Errorf(matcher.EFORBIDDEN, "只有管理员可以越过资格规则添加", "only an admin may override the eligibility rules")
		case r.Action != matcher.EditAdd && r.Action != matcher.EditPin:
			return invalid("override", "override 只用于 add 或 pin", "override applies to add and pin only")
		case note == "":
			return invalid("note", "越过资格规则添加须在 note 中写明理由", "an override needs a note saying why")
		}
	}
	return nil
}

func (s *Service) edit(ctx context.Context, g *matcher.Graduate, req EditRequest, note string) error {
	now := s.now()
	edits, err := s.st.ShortlistEdits(ctx, g.ID)
	if err != nil {
		return err
	}
	f0 := fold(edits)
	// The counselor's items as they are now, for the checks made inside
	// the transaction; the whole plan (with its proposal) only where the
	// edit is about proposed items.
	known := map[string]*resolved{}
	for _, x := range f0.entries {
		r, err := s.resolve(ctx, s.st, g, x.ID, now)
		if err != nil {
			return err
		}
		known[x.ID] = r
	}
	var st *planState
	if req.Action == matcher.EditRemove || req.Action == matcher.EditConfirm {
		if _, st, err = s.build(ctx, s.st, g, f0, now, s.proposal); err != nil {
			return err
		}
	}
	e := matcher.ShortlistEdit{PostID: req.PostID, Action: req.Action, KeyID: req.KeyID, At: s.clock().UTC(), Note: note}
	var decide func(f folded) ([]matcher.ShortlistEdit, error)
	switch req.Action {
	case matcher.EditAdd, matcher.EditPin:
		if req.Action == matcher.EditPin && f0.has(req.PostID) {
			decide = s.decidePin(e)
			break
		}
		r, err := s.admit(ctx, g, req, now)
		if err != nil {
			return err
		}
		known[req.PostID] = r
		if r.item.Ineligible != "" {
			e.Action = matcher.EditAddOverride
			if req.Action == matcher.EditPin {
				// An overridden pin: the add carries the override, the pin
				// follows in the same transaction.
				decide = s.decideAdd(e, r, known, matcher.ShortlistEdit{PostID: e.PostID, Action: matcher.EditPin, KeyID: e.KeyID, At: e.At})
				break
			}
		}
		decide = s.decideAdd(e, r, known)
	case matcher.EditRemove:
		if !f0.has(req.PostID) && !slices.Contains(st.proposed, req.PostID) {
			return matcher.Errorf(matcher.ECONFLICT, "该项不在名单中", "not on the plan")
		}
		decide = decideRemove(e)
	case matcher.EditUnpin:
		decide = decideUnpin(e)
	case matcher.EditConfirm:
		if !matcher.PlanGraduate(g, s.policy()) {
			return matcher.Errorf(matcher.ECONFLICT, "该毕业生不在一人一策帮扶范围（仍在求职的就业困难毕业生），无需确认", "the graduate gets no 一人一策 plan (hardship graduates still looking only)")
		}
		decide = decideConfirm(e, st.proposed)
	}
	return s.st.UpdateShortlist(ctx, g.ID, func(edits []matcher.ShortlistEdit) ([]matcher.ShortlistEdit, error) {
		return decide(fold(edits))
	})
}

// admit looks up an item to add and checks it: it exists, is open, and
// (a post) the rules admit g, unless an admin overrides; a course must not
// be another session of a course already on the plan (checked in the
// transaction).
func (s *Service) admit(ctx context.Context, g *matcher.Graduate, req EditRequest, now time.Time) (*resolved, error) {
	r, err := s.resolve(ctx, s.st, g, req.PostID, now)
	if err != nil {
		return nil, err
	}
	switch {
	case !r.found:
		return nil, hiddenItem(req.PostID)
	case !r.item.Open && r.course != nil:
		return nil, invalid("post_id", "该课程已开班或名额已满", "the course has started or is full")
	case !r.item.Open:
		return nil, invalid("post_id", "该岗位已满员、关闭或过了截止日期", "the post is filled, closed or past its deadline")
	case r.item.Ineligible != "" && !req.Override:
		e := matcher.Errorf(matcher.ECONFLICT, "不能加入：%s（管理员可注明理由后越过规则添加）", "the eligibility rules exclude this post for the graduate: %s (an admin may override with a note)", r.item.Ineligible)
		e.Field = "post_id"
		return nil, e
	case r.item.Ineligible == "" && req.Override:
		return nil, invalid("override", "该岗位符合资格规则，无需越过规则", "the rules admit this post: no override is needed")
	}
	return r, nil
}

// decideAdd appends the add (and any edits after it) unless, on the plan
// as it is inside the transaction, the item is already there, a post
// would exceed posts_max, or another session of the course is there.
func (s *Service) decideAdd(e matcher.ShortlistEdit, r *resolved, known map[string]*resolved, then ...matcher.ShortlistEdit) func(f folded) ([]matcher.ShortlistEdit, error) {
	return func(f folded) ([]matcher.ShortlistEdit, error) {
		if f.has(e.PostID) {
			return nil, matcher.Errorf(matcher.ECONFLICT, "该项已在名单中", "already on the plan")
		}
		posts := 0
		for _, x := range f.entries {
			k, ok := known[x.ID]
			if !ok {
				return nil, errStale
			}
			switch {
			case r.course != nil && k.course != nil && k.key == r.key:
				return nil, matcher.Errorf(matcher.ECONFLICT, "同一课程的另一期已在名单中：%s", "another session of this course is on the plan: %s", k.item.Title)
			case k.counts() && k.post != nil && k.item.Kind == matcher.KindJob:
				posts++
			}
		}
		if r.post != nil && r.item.Kind == matcher.KindJob && posts >= s.policy().Shortlist.PostsMax {
			return nil, matcher.Errorf(matcher.ECONFLICT, "岗位已达上限（%d 个），请先移除一个", "the plan already holds the maximum of %d posts", s.policy().Shortlist.PostsMax)
		}
		return append([]matcher.ShortlistEdit{e}, then...), nil
	}
}

// decidePin pins an item already on the plan.
func (s *Service) decidePin(e matcher.ShortlistEdit) func(f folded) ([]matcher.ShortlistEdit, error) {
	return func(f folded) ([]matcher.ShortlistEdit, error) {
		i := slices.IndexFunc(f.entries, func(x entry) bool { return x.ID == e.PostID })
		if i < 0 {
			return nil, errStale
		}
		if f.entries[i].Pinned {
			return nil, matcher.Errorf(matcher.ECONFLICT, "该项已置顶", "already pinned")
		}
		return []matcher.ShortlistEdit{e}, nil
	}
}

// hiddenItem is the 404 for an item id that names nothing.
func hiddenItem(id string) error {
	e := matcher.ErrNotFound("岗位", id)
	e.Field = "post_id"
	return e
}

// CleanNote checks free text: valid, at most max characters, no control
// characters but line breaks. It may hold personal data, so it is stored
// but never logged and never echoed in an error.
func CleanNote(s, field string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		return "", invalid(field, "%s 不能超过 %d 个字", "%s must be at most %d characters", field, max)
	}
	if strings.ContainsFunc(s, func(c rune) bool { return unicode.IsControl(c) && c != '\n' && c != '\r' && c != '\t' }) {
		return "", invalid(field, "%s 含控制字符", "%s contains control characters", field)
	}
	return s, nil
}

// clip shortens a value echoed in an error.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// decideRemove removes an item still on the plan (its own or proposed).
func decideRemove(e matcher.ShortlistEdit) func(f folded) ([]matcher.ShortlistEdit, error) {
	return func(f folded) ([]matcher.ShortlistEdit, error) {
		if !f.has(e.PostID) && f.removed[e.PostID] {
			return nil, matcher.Errorf(matcher.ECONFLICT, "该项已移除", "already removed")
		}
		return []matcher.ShortlistEdit{e}, nil
	}
}

// decideUnpin unpins a pinned item.
func decideUnpin(e matcher.ShortlistEdit) func(f folded) ([]matcher.ShortlistEdit, error) {
	return func(f folded) ([]matcher.ShortlistEdit, error) {
		i := slices.IndexFunc(f.entries, func(x entry) bool { return x.ID == e.PostID })
		if i < 0 || !f.entries[i].Pinned {
			return nil, matcher.Errorf(matcher.ECONFLICT, "该项未置顶", "not pinned")
		}
		return []matcher.ShortlistEdit{e}, nil
	}
}

// decideConfirm confirms the plan once: the proposed items neither on it
// nor removed are added in the same transaction, then the confirmation.
func decideConfirm(e matcher.ShortlistEdit, proposed []string) func(f folded) ([]matcher.ShortlistEdit, error) {
	return func(f folded) ([]matcher.ShortlistEdit, error) {
		if f.confirmed {
			return nil, matcher.Errorf(matcher.ECONFLICT, "计划已确认", "the plan is already confirmed")
		}
		var out []matcher.ShortlistEdit
		for _, id := range proposed {
			if !f.has(id) && !f.removed[id] {
				out = append(out, matcher.ShortlistEdit{PostID: id, Action: matcher.EditAdd, KeyID: e.KeyID, At: e.At})
			}
		}
		return append(out, e), nil
	}
}
