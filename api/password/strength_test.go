package password

import (
	"errors"
	"strings"
	"testing"
)

// TestCheckStrength: ten characters or more that any guesser tries early
// are refused; phrases of unrelated words pass; the account's own name
// counts as known to the guesser; a long password is judged on its first
// 64 characters, quickly.
func TestCheckStrength(t *testing.T) {
	for _, pw := range []string{"1234567890", "aaaaaaaaaaaa", "password123", "qwertyuiop", "P@ssw0rd2023", "abcdefghjk", "1qaz2wsx3edc", "iloveyou1314"} {
		if err := CheckStrength(pw); !errors.Is(err, ErrWeak) {
			t.Errorf("%q: %v, want ErrWeak", pw, err)
		}
	}
	for _, pw := range []string{"correct horse battery", "jobmatch-demo", "乌鲁木齐就业服务中心", "Ürümqi-atrest-passwort-7731", "kq7#Vd2!pLr9"} {
		if err := CheckStrength(pw, "demo"); err != nil {
			t.Errorf("%q: %v", pw, err)
		}
	}
	// Strong for anyone else, weak for the account it names.
	if err := CheckStrength("wang.xiaoming1998"); err != nil {
		t.Errorf("without context: %v", err)
	}
	if err := CheckStrength("wang.xiaoming1998", "wang.xiaoming", "王小明"); !errors.Is(err, ErrWeak) {
		t.Errorf("the user name and a year: %v, want ErrWeak", err)
	}
	// Too short stays a length error, not a strength one.
	if err := CheckStrength("Zx9!q"); err == nil || errors.Is(err, ErrWeak) {
		t.Errorf("short: %v", err)
	}
	// The estimate reads at most 64 characters: a 256-character password
	// (the longest allowed) is judged as its prefix is.
	long := strings.Repeat("a", 200) + "kq7#Vd2!pLr9-correct-horse-battery-staple"
	if Estimate(long).Score != Estimate(long[:64]).Score {
		t.Error("the long password was not judged on its prefix")
	}
	if err := CheckStrength(long); !errors.Is(err, ErrWeak) {
		t.Errorf("200 a's then a phrase: %v, want ErrWeak (its first 64 characters are one repeat)", err)
	}
}
