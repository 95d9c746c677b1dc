package matcher

import (
	"fmt"
	"testing"
	"unicode"
)

func TestErrNotFoundIsBilingual(t *testing.T) {
	for what := range notFoundEN {
		e := ErrNotFound(what, "x:1")
		if e.Code != ENOTFOUND {
			t.Errorf("%s: code %s", what, e.Code)
		}
		for _, r := range e.MessageEN {
			if unicode.Is(unicode.Han, r) {
				t.Errorf("%s: English message %q holds Chinese", what, e.MessageEN)
				break
			}
		}
	}
	if got := ErrorCode(fmt.Errorf("wrapped: %w", ErrNotFound("岗位", "a"))); got != ENOTFOUND {
		t.Errorf("wrapped code %q", got)
	}
}
