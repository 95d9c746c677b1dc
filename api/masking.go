package api

import (
	"regexp"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// What each role sees of a graduate. The national ID is eighteen
// characters: six of region, eight of birth date, three of sequence (the
// last one odd for men, even for women) and a check digit. Other fields
// give some of it away: the hukou district is most of the region code,
// the gender the parity of the seventeenth character, and a birth date
// all eight middle digits. The mask and the fields shown are chosen
// together, so that no role but admin can rebuild an ID from everything
// it is shown:
//
//   - admin: everything (admins import the ledger and answer for it).
//   - counselor: name; the national ID as 650102**********34 (region and
//     the last two characters: enough to check an ID read out on the
//     phone); the phone as 138****8000; hardship; the age in years instead
//     of the birth date. An age leaves about 365 birth dates and the two
//     hidden sequence digits 100 choices, of which the check digit keeps
//     one in eleven: about 3,300 IDs fit, and TestCounselorCannotRebuildIDs
//     counts them for every graduate of the fixture from the counselor's
//     whole view (profile, caseload, candidates, shortlist, contacts,
//     recommendations). ID- and phone-shaped digit runs in casework notes
//     are masked the same way.
//   - portal: no graduate at all (403 on every graduate route).
//
// Counselors may still write a birth date (registering a graduate); they
// never read it back.

// viewNationalID is the counselor's view of a national ID.
func viewNationalID(id string) string {
	r := []rune(id)
	if len(r) <= 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-2:])
}

// maskGraduate returns the view of g that role may see: national ID and
// phone masked for everyone but admin, hardship only for counselors and
// admin. The birth date is cleared for everyone but admin (GraduateView
// shows the age instead).
func maskGraduate(g matcher.Graduate, role matcher.Role) matcher.Graduate {
	if role == matcher.RoleAdmin {
		return g
	}
	if g.NationalID != "" {
		g.NationalID = viewNationalID(g.NationalID)
	}
	if g.Phone != "" {
		g.Phone = matcher.MaskPhone(g.Phone)
	}
	g.BirthDate = time.Time{}
	if role != matcher.RoleCounselor {
		g.Hardship = nil
	}
	return g
}

// GraduateView is a graduate as a response shows it: masked for the role
// (maskGraduate), with the age in years as of the business clock beside
// (admin) or instead of (everyone else) the birth date.
type GraduateView struct {
	matcher.Graduate
	// BirthDate shadows the embedded field: absent unless the role may
	// see it.
	BirthDate *time.Time `json:"birth_date,omitempty"`
	Age       *int       `json:"age,omitempty"`
}

func viewGraduate(g matcher.Graduate, role matcher.Role, now time.Time) GraduateView {
	v := GraduateView{Graduate: maskGraduate(g, role)}
	if !g.BirthDate.IsZero() {
		age := g.AgeAt(now)
		v.Age = &age
		if role == matcher.RoleAdmin {
			b := g.BirthDate
			v.BirthDate = &b
		}
	}
	return v
}

// digitRun is a run of digits, perhaps ending in the X of a national ID.
var digitRun = regexp.MustCompile(`[0-9]+[Xx]?`)

// maskNote masks national IDs and mobile numbers written into a casework
// note for every role but admin: counselors write them into notes, and the
// note must not undo the mask of the record. Only whole runs of digits
// count (an 18-character ID, an 11-digit number starting 13–19), so order
// numbers and dates stay readable.
func maskNote(note string, role matcher.Role) string {
	if role == matcher.RoleAdmin || note == "" {
		return note
	}
	return digitRun.ReplaceAllStringFunc(note, func(run string) string {
		digits, x := run, ""
		if last := run[len(run)-1]; last == 'X' || last == 'x' {
			digits, x = run[:len(run)-1], run[len(run)-1:]
		}
		switch {
		case len(run) == 18:
			return viewNationalID(run)
		case len(digits) == 11 && digits[0] == '1' && digits[1] >= '3':
			return matcher.MaskPhone(digits) + x
		}
		return run
	})
}
