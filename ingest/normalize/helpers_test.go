package normalize

import (
	"errors"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// asMatcherError checks the package's error contract: an EINVALID
// *matcher.Error with a Chinese and an English message.
func asMatcherError(t *testing.T, err error) *matcher.Error {
	t.Helper()
	var me *matcher.Error
	if !errors.As(err, &me) {
		t.Fatalf("error %v (%T) is not a *matcher.Error", err, err)
	}
	if me.Code != matcher.EINVALID || me.Message == "" || me.MessageEN == "" {
		t.Fatalf("error %#v lacks code EINVALID or a message", me)
	}
	return me
}
