package bolt

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// TestAuditRecordJSON: appendAuditRecord writes what json.Marshal writes,
// or declines; a record it declines is one encoding/json refuses or one
// whose time it leaves to encoding/json.
func TestAuditRecordJSON(t *testing.T) {
	strs := []string{"", "a", "graduate.recommendations", "G35549927", "127.0.0.1", "<&>", "\"\\\n\t\x01", "\xff\xfe", "\u2028\u2029", "天山区 毕业生", "k_1234"}
	times := []time.Time{
		time.Date(2026, 12, 7, 4, 5, 6, 123456789, time.UTC),
		time.Date(2026, 12, 7, 4, 5, 6, 0, time.UTC),
		time.Date(2023, 6, 15, 0, 0, 0, 100, time.FixedZone("CST", 8*3600)),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2020, 1, 1, 0, 0, 0, 0, time.FixedZone("odd", 25*3600)),
		time.Date(2020, 1, 1, 0, 0, 0, 0, time.FixedZone("odd", -5*3600-30*60)),
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() string { return strs[rng.IntN(len(strs))] }
	declined := 0
	for i := range 5000 {
		r := auditRecord{AuditEntry: matcher.AuditEntry{ID: pick(), At: times[rng.IntN(len(times))], KeyID: pick(),
			Role: matcher.Role(pick()), Action: pick(), GraduateID: pick(), Detail: pick(), Client: pick()}}
		switch i % 3 {
		case 1:
			r.Box = make([]byte, rng.IntN(80))
			for j := range r.Box {
				r.Box[j] = byte(rng.IntN(256))
			}
		case 2:
			r.Box = []byte{}
		}
		want, werr := json.Marshal(&r)
		got, ok := appendAuditRecord(nil, &r)
		if !ok {
			declined++
			continue
		}
		if werr != nil {
			t.Fatalf("%+v: appendAuditRecord wrote %s, json.Marshal refused: %v", r, got, werr)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%+v:\nappendAuditRecord %s\njson.Marshal      %s", r, got, want)
		}
	}
	if declined == 0 || declined > 5000/2 {
		t.Errorf("declined %d of 5000: the out-of-range times should be, and only they", declined)
	}
}
