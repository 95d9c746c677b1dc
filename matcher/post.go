package matcher

import "time"

// Kind says what a post is: an ordinary job or a 就业见习 internship.
type Kind string

const (
	KindJob        Kind = "job"
	KindInternship Kind = "internship"
	// KindCourse is used only in recommendation results, for training courses.
	KindCourse Kind = "course"
)

// Valid reports whether k is a kind a post may have.
func (k Kind) Valid() bool { return k == KindJob || k == KindInternship }

// Channel is one of the plan's six channels (促就业六个一批).
type Channel string

const (
	ChannelPublicSector Channel = "public_sector" // 党政机关、事业单位招录(聘)
	ChannelStateOwned   Channel = "state_owned"   // 国有企业
	ChannelSME          Channel = "sme"           // 中小微企业
	ChannelGrassroots   Channel = "grassroots"    // 基层服务项目
	ChannelMilitary     Channel = "military"      // 征兵入伍
	ChannelSelfEmployed Channel = "self_employed" // 自主创业、灵活就业
)

// Channels lists the channels in the plan's order.
var Channels = []Channel{ChannelPublicSector, ChannelStateOwned, ChannelSME, ChannelGrassroots, ChannelMilitary, ChannelSelfEmployed}

var channelNames = map[Channel]string{
	ChannelPublicSector: "党政机关/事业单位",
	ChannelStateOwned:   "国有企业",
	ChannelSME:          "中小微企业",
	ChannelGrassroots:   "基层服务项目",
	ChannelMilitary:     "征兵入伍",
	ChannelSelfEmployed: "自主创业/灵活就业",
}

// Valid reports whether c is one of the six channels.
func (c Channel) Valid() bool { _, ok := channelNames[c]; return ok }

// Chinese returns the channel's name as the plan writes it.
func (c Channel) Chinese() string { return channelNames[c] }

// SalaryPeriod is the unit a salary is quoted in.
type SalaryPeriod string

const (
	PerMonth SalaryPeriod = "month"
	PerDay   SalaryPeriod = "day"
	PerHour  SalaryPeriod = "hour"
	PerYear  SalaryPeriod = "year"
)

// Salary is a published salary, normalised. Negotiable (面议) salaries carry
// no numbers at all: Min and Max are 0 and must never be read as "0 yuan".
type Salary struct {
	Raw        string       `json:"raw,omitempty"`
	Min        float64      `json:"min,omitempty"` // yuan per Period
	Max        float64      `json:"max,omitempty"`
	Period     SalaryPeriod `json:"period,omitempty"`
	Months     int          `json:"months,omitempty"` // 薪 per year when stated, e.g. 14 for "·14薪"
	Negotiable bool         `json:"negotiable,omitempty"`
	Inverted   bool         `json:"inverted,omitempty"`   // the source gave max before min; Min/Max are swapped back
	OpenEnded  bool         `json:"open_ended,omitempty"` // "5000以上", "8k起": Max is a floor the post promises, not a ceiling
}

// Known reports whether the salary has numbers.
func (s Salary) Known() bool { return !s.Negotiable && (s.Min > 0 || s.Max > 0) }

// Monthly returns the salary as yuan per month (21.75 working days, 8 hours
// a day, 12 months a year unless Months says otherwise), and false when the
// salary has no numbers.
func (s Salary) Monthly() (lo, hi float64, ok bool) {
	if !s.Known() {
		return 0, 0, false
	}
	f := 1.0
	switch s.Period {
	case PerDay:
		f = 21.75
	case PerHour:
		f = 21.75 * 8
	case PerYear:
		f = 1.0 / 12
	}
	lo, hi = s.Min*f, s.Max*f
	if s.Months > 12 && s.Period == PerMonth {
		// "15-30K·14薪": the extra months are part of the annual package.
		lo, hi = lo*float64(s.Months)/12, hi*float64(s.Months)/12
	}
	if hi == 0 {
		hi = lo
	}
	return lo, hi, true
}

// PostStatus is where a post is in its life.
type PostStatus string

const (
	PostOpen   PostStatus = "open"
	PostFilled PostStatus = "filled"
	PostClosed PostStatus = "closed"
)

// Post is a job or internship offered through one of the plan's channels.
// Its ID is "source:external_id", the key under which re-exports update it.
type Post struct {
	ID            string     `json:"id"`
	Source        string     `json:"source"`
	ExternalID    string     `json:"external_id"`
	Kind          Kind       `json:"kind"`
	Channel       Channel    `json:"channel"`
	Title         string     `json:"title"`
	Employer      string     `json:"employer"`
	EmployerType  string     `json:"employer_type,omitempty"`
	District      string     `json:"district,omitempty"` // one of the 8 Urumqi divisions, or the place as given
	Address       string     `json:"address,omitempty"`
	Description   string     `json:"description,omitempty"`
	Majors        []string   `json:"majors,omitempty"` // as normalised: catalog names where recognised
	MajorCodes    []string   `json:"major_codes,omitempty"`
	DegreeMin     Degree     `json:"degree_min"`
	Experience    string     `json:"experience,omitempty"`
	ExperienceMin int        `json:"experience_min,omitempty"` // years
	Salary        Salary     `json:"salary"`
	Headcount     int        `json:"headcount"`
	Filled        int        `json:"filled,omitempty"`
	AgeMax        int        `json:"age_max,omitempty"`
	AgeMin        int        `json:"age_min,omitempty"`
	HukouRequired string     `json:"hukou_required,omitempty"` // a district, "乌鲁木齐市", or empty
	PublicWelfare bool       `json:"public_welfare,omitempty"`
	PostedAt      time.Time  `json:"posted_at,omitzero"`
	Deadline      time.Time  `json:"deadline,omitzero"`
	Occupation    string     `json:"occupation,omitempty"` // CSCO 2022 code, e.g. 2-06-01-00
	Skills        []string   `json:"skills,omitempty"`
	Certificates  []string   `json:"certificates,omitempty"`
	Status        PostStatus `json:"status"`
	DuplicateOf   string     `json:"duplicate_of,omitempty"` // the ID of the post this one repeats, when two portals export the same post
	UpdatedAt     time.Time  `json:"updated_at,omitzero"`
}

// PostID builds the ID of a post or course from its source and external id.
func PostID(source, externalID string) string { return source + ":" + externalID }

// PlacesLeft returns how many places are still open (never negative).
func (p *Post) PlacesLeft() int {
	if n := p.Headcount - p.Filled; n > 0 {
		return n
	}
	return 0
}

// Searchable reports whether the post belongs in the search index at time
// now: open, with places left, not past its deadline, and not a duplicate.
func (p *Post) Searchable(now time.Time) bool {
	if p.Status != PostOpen && p.Status != "" {
		return false
	}
	if p.DuplicateOf != "" || p.PlacesLeft() == 0 {
		return false
	}
	return p.Deadline.IsZero() || !EndOfDay(p.Deadline).Before(now)
}

// EndOfDay returns the last instant of t's day: a deadline date is open all day.
func EndOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 23, 59, 59, 0, t.Location())
}
