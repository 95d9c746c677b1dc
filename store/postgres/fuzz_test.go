package postgres

import (
	"strings"
	"testing"
)

// FuzzParseKey: any text either decodes to exactly 32 bytes or is refused
// with an error naming the variable; nothing panics.
func FuzzParseKey(f *testing.F) {
	f.Add(strings.Repeat("ab", 32))
	f.Add("q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKey(s)
		if err == nil && len(k) != 32 {
			t.Fatalf("ParseKey(%q) = %d bytes", s, len(k))
		}
		if err != nil && !strings.Contains(err.Error(), DataKeyEnv) {
			t.Fatalf("error does not name %s: %v", DataKeyEnv, err)
		}
	})
}
