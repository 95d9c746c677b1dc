package catalog

import (
	"fmt"
	"strings"
	"sync"
)

// TeachingSubject is a school subject a teacher post can name (语文, 数学,
// 英语, 物理 …) and the majors that train its teachers
// (teaching_subjects.csv). The classification has one occupation per
// school level (高级中学教师, 初级中学教师, 小学教师) and none per subject,
// so every teacher post falls in the occupations an education or
// language major leads to: the subject says which of them fit. A 汉语言文学
// graduate fits a 语文 post, not a 数学 or 物理 one.
type TeachingSubject struct {
	Name         string
	TitleWords   []string // words a post's title names the subject by
	MajorWords   []string // a major whose name holds one of them teaches the subject
	MajorClasses []string // 专业类 codes whose majors teach it
}

// MaxTeachingSubjects bounds the table, so a set of subjects fits a bit
// mask of 32 bits.
const MaxTeachingSubjects = 32

var (
	subjOnce sync.Once
	subjErr  error
	subjects []TeachingSubject
)

func loadSubjects() {
	load()
	subjOnce.Do(func() { subjErr = parseSubjects() })
	if subjErr != nil {
		panic(fmt.Sprintf("catalog: %v", subjErr)) // embedded data; a test catches it
	}
}

func parseSubjects() error {
	rows, err := readCSV("teaching_subjects.csv")
	if err != nil {
		return err
	}
	for i, r := range rows {
		line := i + 2
		if len(r) != 4 {
			return fmt.Errorf("teaching_subjects.csv:%d: %d fields, want 4", line, len(r))
		}
		s := TeachingSubject{Name: strings.TrimSpace(r[0]), TitleWords: splitList(r[1]), MajorWords: splitList(r[2]), MajorClasses: splitList(r[3])}
		if s.Name == "" || len(s.TitleWords) == 0 || len(s.MajorWords)+len(s.MajorClasses) == 0 {
			return fmt.Errorf("teaching_subjects.csv:%d: a subject needs a name, title words and major words or classes", line)
		}
		for _, c := range s.MajorClasses {
			if _, ok := classes[c]; !ok && !isVocationalClass(c) {
				return fmt.Errorf("teaching_subjects.csv:%d: 专业类 %s has no major in majors.csv", line, c)
			}
		}
		subjects = append(subjects, s)
	}
	if len(subjects) > MaxTeachingSubjects {
		return fmt.Errorf("teaching_subjects.csv: %d subjects, at most %d", len(subjects), MaxTeachingSubjects)
	}
	return nil
}

// TeachingSubjects returns the table, in file order (bit i of a subject
// mask is subject i).
func TeachingSubjects() []TeachingSubject {
	loadSubjects()
	return subjects
}

// TitleSubjects returns the mask of the subjects a teacher post's title
// names (高中数学教师 → 数学; 语数外老师 names none of the table's words
// whole and returns 0). The caller decides the post is a teacher's.
func TitleSubjects(title string) uint32 {
	loadSubjects()
	var mask uint32
	for i, s := range subjects {
		for _, w := range s.TitleWords {
			if strings.Contains(title, w) {
				mask |= 1 << i
				break
			}
		}
	}
	return mask
}

// MajorSubjects returns the mask of the subjects a major teaches, by its
// name and its 专业类 code (a 中职 or 高职本科 class counts as the 高职专科
// class of the same name).
func MajorSubjects(name, classCode string) uint32 {
	loadSubjects()
	var mask uint32
	eq := equivalentClass(classCode)
	for i, s := range subjects {
		hit := false
		for _, w := range s.MajorWords {
			hit = hit || (name != "" && strings.Contains(name, w))
		}
		for _, c := range s.MajorClasses {
			hit = hit || (classCode != "" && (c == classCode || c == eq))
		}
		if hit {
			mask |= 1 << i
		}
	}
	return mask
}

// SubjectNames lists the names of the subjects in a mask.
func SubjectNames(mask uint32) []string {
	loadSubjects()
	var out []string
	for i, s := range subjects {
		if mask&(1<<i) != 0 {
			out = append(out, s.Name)
		}
	}
	return out
}

// IsSubjectTeaching reports whether a CSCO code is one of 教学人员 (2-08)
// whose posts teach a subject: every one but 幼儿园教师 and 特殊教育教师,
// who teach children everything (a 幼儿英语 post is a kindergarten
// teacher's, for a 学前教育 graduate too).
func IsSubjectTeaching(code string) bool {
	return strings.HasPrefix(code, "2-08-") && !strings.HasPrefix(code, "2-08-03-") && !strings.HasPrefix(code, "2-08-04-")
}
