package casework

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// Contact methods and outcomes the log accepts. An attempt that does not
// reach the graduate (no answer, wrong number) is logged but is not the
// contact 5日内必联系 asks for: only reached and declined set contacted_at.
var (
	ContactMethods  = []string{"phone", "sms", "wechat", "visit", "meeting", "email", "other"}
	ContactOutcomes = []string{"reached", "no_answer", "wrong_number", "declined"}
	reaches         = map[string]bool{"reached": true, "declined": true}
)

// ContactLog is a graduate's contact log and where they stand on the
// contact rule.
type ContactLog struct {
	GraduateID     string                 `json:"graduate_id"`
	Items          []matcher.ContactEntry `json:"items"`
	RegisteredAt   *time.Time             `json:"registered_at"`
	ContactedAt    *time.Time             `json:"contacted_at"`
	ContactOverdue bool                   `json:"contact_overdue"`
	ContactSLADays int                    `json:"contact_sla_days"`
	Added          *matcher.ContactEntry  `json:"added,omitempty"`
}

// ContactInput is one contact to log.
type ContactInput struct {
	Method, Outcome, Note string
	At                    *time.Time // nil: now
	KeyID                 string
}

// Contacts returns g's contact log.
func (s *Service) Contacts(ctx context.Context, g *matcher.Graduate) (*ContactLog, error) {
	cs, err := s.st.Contacts(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	return s.contactLog(g, cs, nil), nil
}

func (s *Service) contactLog(g *matcher.Graduate, cs []matcher.ContactEntry, added *matcher.ContactEntry) *ContactLog {
	if cs == nil {
		cs = []matcher.ContactEntry{}
	}
	return &ContactLog{
		GraduateID: g.ID, Items: cs, RegisteredAt: timePtr(g.RegisteredAt), ContactedAt: timePtr(g.ContactedAt),
		ContactOverdue: g.ContactOverdue(s.now(), s.policy().ContactSLADays), ContactSLADays: s.policy().ContactSLADays, Added: added,
	}
}

// CheckContact validates a contact before the graduate is looked up (so a
// bad request is a 400 whoever it is about).
func (s *Service) CheckContact(in *ContactInput) error {
	switch {
	case in.Method == "":
		return invalid("method", "缺少联系方式（method）", "method is required")
	case !slices.Contains(ContactMethods, in.Method):
		return invalid("method", "未知联系方式：%s（应为 %s）", "unknown method %q: want %s", clip(in.Method), strings.Join(ContactMethods, "、"))
	case in.Outcome == "":
		return invalid("outcome", "缺少联系结果（outcome）", "outcome is required")
	case !slices.Contains(ContactOutcomes, in.Outcome):
		return invalid("outcome", "未知联系结果：%s（应为 reached、no_answer、wrong_number 或 declined）", "unknown outcome %q: want reached, no_answer, wrong_number or declined", clip(in.Outcome))
	}
	note, err := CleanNote(in.Note, "note", 1000)
	if err != nil {
		return err
	}
	in.Note = note
	if in.At != nil && in.At.After(s.clock().Add(5*time.Minute)) {
		return invalid("at", "联系时间在未来", "the contact time is in the future")
	}
	return nil
}

// CheckContactFor checks a contact against the graduate's own dates: it
// cannot be dated before they registered.
func (s *Service) CheckContactFor(g *matcher.Graduate, in *ContactInput) error {
	// A day's slack: registration dates are days, contacts instants.
	if in.At != nil && !g.RegisteredAt.IsZero() && in.At.Before(g.RegisteredAt.Add(-24*time.Hour)) {
		return invalid("at", "联系时间早于登记时间", "the contact time is before the graduate registered")
	}
	return nil
}

// LogContact records one contact with g. The first contact that reaches
// the graduate sets their contacted_at (the 5日内必联系 clock stops
// there); later ones leave it.
func (s *Service) LogContact(ctx context.Context, g *matcher.Graduate, in ContactInput, id string) (*ContactLog, error) {
	if err := s.CheckContact(&in); err != nil {
		return nil, err
	}
	if err := s.CheckContactFor(g, &in); err != nil {
		return nil, err
	}
	at := s.clock().UTC()
	if in.At != nil {
		at = in.At.UTC()
	}
	e := matcher.ContactEntry{ID: id, GraduateID: g.ID, At: at, KeyID: in.KeyID, Method: in.Method, Outcome: in.Outcome, Note: in.Note}
	if err := s.st.LogContact(ctx, e); err != nil {
		return nil, err
	}
	if reaches[in.Outcome] && g.ContactedAt.IsZero() {
		g.ContactedAt = at
		if _, err := s.st.UpsertGraduates(ctx, []matcher.Graduate{*g}); err != nil {
			return nil, fmt.Errorf("set contacted_at: %w", err)
		}
		s.GraduateChanged(ctx, g)
	}
	cs, err := s.st.Contacts(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	return s.contactLog(g, cs, &e), nil
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
