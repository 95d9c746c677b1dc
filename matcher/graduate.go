package matcher

import (
	"strings"
	"time"
)

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
