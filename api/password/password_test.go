package password

import (
	"errors"
	"strings"
	"testing"
)

// cheap keeps the tests quick; the format and the checks are the same.
var cheap = Params{Memory: 64, Time: 1, Threads: 1}

func TestHashVerify(t *testing.T) {
	h, err := Hash("correct horse 电池", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q is not an argon2id PHC string with its parameters", h)
	}
	if err := Verify(h, "correct horse 电池"); err != nil {
		t.Errorf("the right password: %v", err)
	}
	if err := Verify(h, "correct horse 电"); !errors.Is(err, ErrMismatch) {
		t.Errorf("a wrong password: %v, want ErrMismatch", err)
	}
	h2, _ := Hash("correct horse 电池", cheap)
	if h2 == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if !NeedsRehash(h, Default) || NeedsRehash(h, cheap) {
		t.Error("NeedsRehash does not compare the parameters")
	}
}

func TestDefaultParameters(t *testing.T) {
	h, err := Hash("a password of some length", Default)
	if err != nil {
		t.Fatal(err)
	}
	p, salt, key, err := Parse(h)
	if err != nil || p != Default || len(salt) != saltLen || len(key) != keyLen {
		t.Errorf("Parse(%q) = %+v, %d, %d, %v", h, p, len(salt), len(key), err)
	}
}

func TestCheck(t *testing.T) {
	for pw, ok := range map[string]bool{"short": false, "ten chars!": true, strings.Repeat("长", 256): true, strings.Repeat("长", 257): false, "\xff\xfe invalid utf8": false} {
		if err := Check(pw); (err == nil) != ok {
			t.Errorf("Check(%q) = %v", pw, err)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for phc, want := range map[string]string{
		"": "5 fields",
		"$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA":        "algorithm",
		"$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA":       "version",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA": "more than",
		"$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA":       "positive",
		"$argon2id$v=19$t=1,m=64,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA":       "want m=",
		"$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA":                "salt",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA":                       "hash is not",
	} {
		_, _, _, err := Parse(phc)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want an error about %q", phc, err, want)
		}
	}
}

// FuzzParse: whatever a stored hash holds, Parse and Verify return an
// error or a result, never panic, and never ask for more than the bounds.
func FuzzParse(f *testing.F) {
	good, _ := Hash("fuzz seed password", cheap)
	for _, s := range []string{good, "", "$argon2id$v=19$m=64,t=1,p=1$$", "$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, phc string) {
		p, salt, key, err := Parse(phc)
		if err != nil {
			return
		}
		if p.Memory > maxMemory || p.Time > maxTime || p.Threads > maxThreads || p.Memory == 0 || p.Time == 0 || p.Threads == 0 {
			t.Fatalf("Parse(%q) accepted %+v", phc, p)
		}
		if len(salt) < 8 || len(key) < 16 {
			t.Fatalf("Parse(%q) accepted salt %d, key %d", phc, len(salt), len(key))
		}
		if p.Memory <= 4096 && p.Time <= 4 { // verify only what is cheap to run
			if err := Verify(phc, "x"); err == nil {
				t.Fatalf("Verify(%q, x) matched", phc)
			}
		}
	})
}
