package password

import (
	"fmt"
	"strings"

	"github.com/trustelem/zxcvbn"
)

// MinScore is the zxcvbn score (0–4) a new password must reach: 3 is
// "safely unguessable", under about 10^10 guesses only for what scores
// less — a stolen users table then costs an argon2id guesser years of a
// core per account, not minutes. Length alone does not say it:
// "1234567890", "aaaaaaaaaa", "password123" and "P@ssw0rd2023" are all ten
// characters or more and all among a guesser's first million tries.
const MinScore = 3

// strengthPrefix is how much of a password zxcvbn reads: its matching
// grows faster than linearly with the length (0.9 s for 256 characters),
// and a password whose first 64 characters are hard to guess is hard to
// guess whole.
const strengthPrefix = 64

// Strength is how hard pw is to guess (zxcvbn: common passwords, words
// and names of its lists, keyboard runs, sequences, repeats, dates, and
// the context words given, such as the account's name).
type Strength struct {
	Score   int     // 0–4
	Guesses float64 // the estimated guesses to find it
}

// Estimate estimates pw's strength against a guesser who also knows the
// context words.
func Estimate(pw string, context ...string) Strength {
	if r := []rune(pw); len(r) > strengthPrefix {
		pw = string(r[:strengthPrefix])
	}
	var words []string
	for _, c := range context {
		if c = strings.TrimSpace(c); c != "" {
			words = append(words, c)
		}
	}
	r := zxcvbn.PasswordStrength(pw, words)
	return Strength{Score: r.Score, Guesses: r.Guesses}
}

// CheckStrength reports why pw is too easy to guess for a new password
// (Check first, then a zxcvbn score below MinScore), nil when it is not.
func CheckStrength(pw string, context ...string) error {
	if err := Check(pw); err != nil {
		return err
	}
	if s := Estimate(pw, context...); s.Score < MinScore {
		return fmt.Errorf("%w: score %d of 4, about %.0e guesses", ErrWeak, s.Score, s.Guesses)
	}
	return nil
}
