package catalog

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// PracticeLicence is a licence or title that a fresh graduate cannot hold:
// the rule it rests on asks years of practice after graduation before one
// may sit for it or register (licences.csv). A post that requires one asks
// for someone who has worked; a graduate who does not hold it cannot take
// the post this summer, whatever their major.
type PracticeLicence struct {
	Name  string // the lexicon's canonical name (执业医师资格证, CPA …)
	Years int    // years of practice after graduation the rule asks, at least
	Basis string // the rule, in its words
	// Via is the listed licence this term satisfies when it is not listed
	// itself (主治医师 → 执业医师资格证; 中级会计职称 → 中级职称); "" when
	// it is listed.
	Via string
}

var (
	licOnce sync.Once
	licErr  error
	// licences maps a skill index to the practice licence it is or
	// satisfies (the strongest rule: most years).
	licences map[int]PracticeLicence
)

func loadLicences() {
	loadSkills()
	licOnce.Do(func() { licErr = parseLicences() })
	if licErr != nil {
		panic(fmt.Sprintf("catalog: %v", licErr)) // embedded data; a test catches it
	}
}

func parseLicences() error {
	rows, err := readCSV("licences.csv")
	if err != nil {
		return err
	}
	listed := map[int]PracticeLicence{}
	for i, r := range rows {
		line := i + 2
		if len(r) != 3 {
			return fmt.Errorf("licences.csv:%d: %d fields, want 3", line, len(r))
		}
		idx, ok := skillIndex(r[0])
		if !ok || skills[idx].Kind != KindCertificate {
			return fmt.Errorf("licences.csv:%d: licence %q is not a certificate of skills.csv", line, r[0])
		}
		years, err := strconv.Atoi(strings.TrimSpace(r[1]))
		if err != nil || years < 1 {
			return fmt.Errorf("licences.csv:%d: years %q: want a whole number of at least 1", line, r[1])
		}
		if strings.TrimSpace(r[2]) == "" {
			return fmt.Errorf("licences.csv:%d: basis: empty", line)
		}
		listed[idx] = PracticeLicence{Name: skills[idx].Name, Years: years, Basis: strings.TrimSpace(r[2])}
	}
	// A term that satisfies a listed licence is one too: a higher title
	// (主治医师 satisfies 执业医师资格证) or a kind of it (中医执业医师).
	licences = map[int]PracticeLicence{}
	for i := range skills {
		for _, j := range satisfied[i] {
			l, ok := listed[j]
			if !ok {
				continue
			}
			if j != i {
				l.Via, l.Name = l.Name, skills[i].Name
			}
			if cur, ok := licences[i]; !ok || l.Years > cur.Years || (l.Years == cur.Years && l.Via == "" && cur.Via != "") {
				licences[i] = l
			}
		}
	}
	return nil
}

// LicenceForPractice reports whether a certificate name (any spelling the
// lexicon knows) is a licence a fresh graduate cannot hold, and which.
//
//	LicenceForPractice("执业医师")   // 执业医师资格证, 1 year (医师法 第九条)
//	LicenceForPractice("主治医师")   // 主治医师 via 执业医师资格证
//	LicenceForPractice("教师资格证") // false: students sit for it
func LicenceForPractice(name string) (PracticeLicence, bool) {
	loadLicences()
	i, ok := skillIndex(name)
	if !ok {
		return PracticeLicence{}, false
	}
	l, ok := licences[i]
	return l, ok
}

// PracticeLicences returns every term that is a licence a fresh graduate
// cannot hold, in lexicon order.
func PracticeLicences() []PracticeLicence {
	loadLicences()
	idx := make([]int, 0, len(licences))
	for i := range licences {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	out := make([]PracticeLicence, len(idx))
	for k, i := range idx {
		out[k] = licences[i]
	}
	return out
}
