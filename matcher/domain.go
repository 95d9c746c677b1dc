package matcher

import (
	"strings"
	"time"
)

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

// Degree is an education level, ordered so that a higher value satisfies a
// lower minimum. DegreeNone (不限) as a post's minimum accepts everyone.
type Degree int

const (
	DegreeNone      Degree = 0 // 不限
	DegreeSecondary Degree = 1 // 中专/高中/中技
	DegreeAssociate Degree = 2 // 大专/专科/高职
	DegreeBachelor  Degree = 3 // 本科/学士
	DegreeMaster    Degree = 4 // 硕士/研究生
	DegreeDoctor    Degree = 5 // 博士
)

var degreeNames = [...]string{"不限", "中专/高中", "大专", "本科", "硕士", "博士"}
var degreeCodes = [...]string{"none", "secondary", "associate", "bachelor", "master", "doctor"}

// Chinese returns the degree's usual Chinese name.
func (d Degree) Chinese() string {
	if d < 0 || int(d) >= len(degreeNames) {
		return ""
	}
	return degreeNames[d]
}

// String returns the degree's canonical code (none, secondary, associate,
// bachelor, master, doctor), the form used in canonical files and JSON.
func (d Degree) String() string {
	if d < 0 || int(d) >= len(degreeCodes) {
		return ""
	}
	return degreeCodes[d]
}

// ParseDegreeCode parses a canonical degree code as written by String.
func ParseDegreeCode(s string) (Degree, bool) {
	for i, c := range degreeCodes {
		if c == s {
			return Degree(i), true
		}
	}
	return 0, false
}

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

// CourseCategory says whether a course teaches job skills or entrepreneurship.
type CourseCategory string

const (
	CourseSkills           CourseCategory = "skills"           // 职业技能培训
	CourseEntrepreneurship CourseCategory = "entrepreneurship" // 创业培训
)

// Course is a training course.
type Course struct {
	ID           string         `json:"id"`
	Source       string         `json:"source"`
	ExternalID   string         `json:"external_id"`
	Title        string         `json:"title"`
	Provider     string         `json:"provider"`
	Category     CourseCategory `json:"category"`
	District     string         `json:"district,omitempty"`
	Description  string         `json:"description,omitempty"`
	Majors       []string       `json:"majors,omitempty"`
	StartDate    time.Time      `json:"start_date,omitzero"`
	DurationDays int            `json:"duration_days,omitempty"`
	Places       int            `json:"places"`
	Skills       []string       `json:"skills,omitempty"`       // what it teaches
	Certificates []string       `json:"certificates,omitempty"` // what it prepares for
	UpdatedAt    time.Time      `json:"updated_at,omitzero"`
}

// Hardship is a 就业困难 category. It is sensitive personal data.
type Hardship string

const (
	HardshipPovertyFamily  Hardship = "poverty_family"  // 脱贫家庭
	HardshipLowIncome      Hardship = "low_income"      // 低保/低收入家庭
	HardshipZeroEmployment Hardship = "zero_employment" // 零就业家庭
	HardshipDisability     Hardship = "disability"      // 残疾
	HardshipLongUnemployed Hardship = "long_unemployed" // 长期未就业
)

var hardshipNames = map[Hardship]string{
	HardshipPovertyFamily:  "脱贫家庭",
	HardshipLowIncome:      "低保/低收入家庭",
	HardshipZeroEmployment: "零就业家庭",
	HardshipDisability:     "残疾",
	HardshipLongUnemployed: "长期未就业",
}

// Hardships lists every hardship category.
var Hardships = []Hardship{HardshipPovertyFamily, HardshipLowIncome, HardshipZeroEmployment, HardshipDisability, HardshipLongUnemployed}

// Valid reports whether h is a known category.
func (h Hardship) Valid() bool { _, ok := hardshipNames[h]; return ok }

// Chinese returns the category's Chinese name.
func (h Hardship) Chinese() string { return hardshipNames[h] }

// GraduateStatus is where a graduate is on the way to a placement.
type GraduateStatus string

const (
	StatusUnregistered GraduateStatus = "unregistered"
	StatusSeeking      GraduateStatus = "seeking"  // registered, not yet placed
	StatusPlaced       GraduateStatus = "placed"   // 就业去向落实
	StatusEmployed     GraduateStatus = "employed" // employed when they registered
	StatusStudying     GraduateStatus = "studying" // further study
)

// Graduate is one line of the graduate ledger. NationalID, Phone and
// Hardship are personal data: never indexed, never logged, masked to every
// role that does not need them (see Mask).
type Graduate struct {
	ID                 string         `json:"id"`
	Name               string         `json:"name"`
	NationalID         string         `json:"national_id,omitempty"`
	Phone              string         `json:"phone,omitempty"`
	Gender             string         `json:"gender,omitempty"` // "男" / "女"
	BirthDate          time.Time      `json:"birth_date,omitzero"`
	School             string         `json:"school,omitempty"`
	Major              string         `json:"major,omitempty"`
	MajorCode          string         `json:"major_code,omitempty"`
	Degree             Degree         `json:"degree"`
	GraduationYear     int            `json:"graduation_year,omitempty"`
	HukouDistrict      string         `json:"hukou_district,omitempty"`
	ResidenceDistrict  string         `json:"residence_district,omitempty"`
	Skills             []string       `json:"skills,omitempty"`
	Certificates       []string       `json:"certificates,omitempty"`
	PreferredChannels  []Channel      `json:"preferred_channels,omitempty"`
	PreferredDistricts []string       `json:"preferred_districts,omitempty"`
	ExpectedSalary     float64        `json:"expected_salary,omitempty"` // yuan per month
	Hardship           []Hardship     `json:"hardship,omitempty"`
	Status             GraduateStatus `json:"status,omitempty"`
	RegisteredAt       time.Time      `json:"registered_at,omitzero"`
	ContactedAt        time.Time      `json:"contacted_at,omitzero"`
	PlacedAt           time.Time      `json:"placed_at,omitzero"`
	UpdatedAt          time.Time      `json:"updated_at,omitzero"`
}

// IsHardship reports whether the graduate is in at least one hardship category.
func (g *Graduate) IsHardship() bool { return len(g.Hardship) > 0 }

// AgeAt returns the graduate's age in whole years at t, or -1 when the birth
// date is unknown.
func (g *Graduate) AgeAt(t time.Time) int {
	if g.BirthDate.IsZero() {
		return -1
	}
	age := t.Year() - g.BirthDate.Year()
	if t.YearDay() < g.BirthDate.YearDay() {
		age--
	}
	return age
}

// Redacted returns a copy of the graduate without any personal data: what a
// portal may send and what may be indexed or logged.
func (g Graduate) Redacted() Graduate {
	g.NationalID, g.Phone, g.Hardship, g.Name = "", "", nil, ""
	return g
}

// MaskNationalID shows the first 6 and last 4 characters: 650102********1234.
func MaskNationalID(id string) string {
	r := []rune(id)
	if len(r) <= 10 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
}

// MaskPhone shows the first 3 and last 4 digits: 138****8000.
func MaskPhone(p string) string {
	r := []rune(p)
	if len(r) <= 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
}
