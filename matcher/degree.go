package matcher

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
