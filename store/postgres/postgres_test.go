package postgres

import (
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

func TestContract(t *testing.T) {
	TestURL(t)
	storetest.Run(t, func(t *testing.T) matcher.FullStore { return OpenTest(t) })
}
