package major

import (
	"strings"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// FuzzResolveInfer: no text makes resolution or inference panic; an
// inference names a real 专业类 and words that occur in the name.
func FuzzResolveInfer(f *testing.F) {
	for _, s := range []string{"智能烹饪技术", "老年护理", "有Java开发经验或计算机相关专业", "技术", "\xff护理", "（（（专业"} {
		f.Add(s)
	}
	r, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name string) {
		res := r.Resolve(name, catalog.LevelAssociate)
		if res.Found == catalog.MajorInferred {
			if _, ok := catalog.MajorClassByCode(res.ClassCode); !ok {
				t.Fatalf("Resolve(%q) inferred %q, not a 专业类", name, res.ClassCode)
			}
			for _, w := range strings.Split(res.Via, "、") {
				if !strings.Contains(strings.ToLower(name), w) {
					t.Fatalf("Resolve(%q) inferred from %q, not in the name", name, w)
				}
			}
		}
		for _, m := range Mentions(name) {
			if !strings.Contains(name, m) && !strings.Contains(name, strings.TrimSuffix(m, "类")) {
				t.Fatalf("Mentions(%q) = %q, not in the text", name, m)
			}
		}
	})
}
