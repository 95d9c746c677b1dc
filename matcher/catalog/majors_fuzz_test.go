package catalog

import (
	"testing"
	"unicode/utf8"
)

// FuzzResolveMajor: no text makes resolution panic, and whatever is found
// is a real catalogue entry whose own name resolves to a major of the same
// name at its level.
func FuzzResolveMajor(f *testing.F) {
	for _, s := range []string{"烹饪与营养教育", "汉语言文学（师范）", "计算机科学与技术(软件工程方向", "【中外合作办学】金融学",
		"ＧＩＳ", "计算机类", "会计", "\xff\xfe", "方向", "(((", "学", "护理）（"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, name string, level int) {
		var levels []string
		if level >= 0 && level < len(Levels) {
			levels = []string{Levels[level]}
		}
		r := ResolveMajor(name, levels...)
		if r.Found == MajorNotFound {
			if r.Code() != "" {
				t.Fatalf("ResolveMajor(%q): not found but code %q", name, r.Code())
			}
			return
		}
		if _, ok := MajorClassByCode(r.ClassCode); !ok {
			t.Fatalf("ResolveMajor(%q) = class %q, not a 专业类 of the catalogue", name, r.ClassCode)
		}
		if r.Major.Code != "" {
			m, ok := MajorByCode(r.Major.Code)
			if !ok || m.Name != r.Major.Name {
				t.Fatalf("ResolveMajor(%q) = %s %s, not a catalogue major", name, r.Major.Code, r.Major.Name)
			}
			if again := ResolveMajor(m.Name, m.Level); again.Major.Name != m.Name || again.Found != MajorExact {
				t.Fatalf("ResolveMajor(%q) = %s, but its name resolves to %v %s", name, m.Name, again.Found, again.Major.Name)
			}
		}
		if utf8.ValidString(name) && !utf8.ValidString(r.Explain()) {
			t.Fatalf("ResolveMajor(%q): explanation is not valid UTF-8", name)
		}
	})
}
