package major

import (
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// TestGuessedClassAcrossDegrees: a name the catalogue does not know is
// placed in one 专业类 whatever the degree (where the levels have a class
// of that name: 畜牧业类 is 中职, 高职专科 and 高职本科, not 本科 or
// 研究生), and a guessed class never carries a licence — 宠物美容与护理
// is not nursing, and even 老年护理 guessed into 护理类 needs the
// catalogue's 护理 before the nurse's licence. A name the levels cannot
// place (宠物 at 研究生) may fall to another class, never to a licence.
func TestGuessedClassAcrossDegrees(t *testing.T) {
	r, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	all := []matcher.Degree{matcher.DegreeNone, matcher.DegreeSecondary, matcher.DegreeAssociate,
		matcher.DegreeBachelor, matcher.DegreeMaster}
	tests := []struct {
		name      string
		class     string           // the 专业类's name
		sameClass []matcher.Degree // the degrees whose levels hold that class
	}{
		{"宠物美容与护理", "畜牧业类", all[:4]},
		{"宠物护理", "畜牧业类", all[:4]},
		{"宠物美容护理", "畜牧业类", all[:4]},
		{"中医康复护理", "中医药类", all[:2]},
		// still read differently by degree (the head word 护理 over a
		// commoner subject word); asserted only to carry no licence
		{"老年护理", "", nil},
		{"动物护理", "", nil},
		{"婴幼儿护理", "", nil},
	}
	for _, tc := range tests {
		for _, d := range all {
			res := r.Resolve(tc.name, Levels(d)...)
			if res.Found == catalog.MajorNotFound {
				continue
			}
			if res.Found != catalog.MajorInferred {
				t.Fatalf("%s is in the catalogue (%v): pick a name it does not know", tc.name, res.Found)
			}
			for _, sd := range tc.sameClass {
				if sd == d && res.ClassName != tc.class {
					t.Errorf("%s at %v: %s %s (via %s), want %s", tc.name, d, res.ClassCode, res.ClassName, res.Via, tc.class)
				}
			}
			for _, l := range catalog.MajorOccupations(res.Code()) {
				if l.Kind == catalog.LinkLicensed {
					t.Errorf("%s at %v guessed into %s: licensed link to %s (%s)", tc.name, d, res.ClassName, l.Occupation, l.Licence)
				}
			}
			if a := catalog.MajorAffinity(res.Code(), "2-05-08-00"); a.Kind == catalog.AffinityLicensed {
				t.Errorf("%s at %v: qualifies for the nurse's licence from a guess", tc.name, d)
			}
		}
	}
}
