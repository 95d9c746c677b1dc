package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
	"github.com/urumqi-hrss/jobmatch/store/bolt"
	"github.com/urumqi-hrss/jobmatch/store/seal"
	"github.com/urumqi-hrss/jobmatch/store/storetest"
)

// BenchmarkAuditEntry measures what sealing an audit entry naming a
// graduate (its action and detail, store.SealAudit) adds to writing it:
// encode alone (the JSON the embedded store writes, in the clear as
// before) against seal + encode, and the embedded store's AuditBatch of a
// caseload page (100 entries, one commit) opened without a key (entries
// in the clear) and with one (sealed), in the same process.
func BenchmarkAuditEntry(b *testing.B) {
	keys := storetest.Keys()
	e := matcher.AuditEntry{ID: "01a24cef4334edf976f2a3f31dd8", KeyID: "k1", Role: matcher.RoleCounselor,
		Action: "post.candidates", GraduateID: "G46218974", Detail: "post wlmqrs:WL60714580", Client: "192.0.2.10"}
	b.Run("encode/clear", func(b *testing.B) {
		for range b.N {
			if _, err := json.Marshal(&e); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encode/sealed", func(b *testing.B) {
		for range b.N {
			box := store.SealAudit(keys, e)
			r := struct {
				matcher.AuditEntry
				Box []byte `json:"box"`
			}{e, box}
			r.Action, r.Detail = "", ""
			if _, err := json.Marshal(&r); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, c := range []struct {
		name string
		keys *seal.Keyring
	}{{"batch100/clear", nil}, {"batch100/sealed", keys}} {
		b.Run(c.name, func(b *testing.B) {
			s, err := bolt.Open(filepath.Join(b.TempDir(), "jobmatch.db"), c.keys)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			page := make([]matcher.AuditEntry, 100)
			b.ResetTimer()
			for i := range b.N {
				for j := range page {
					page[j] = e
					page[j].ID, page[j].GraduateID = fmt.Sprint("a", i, "-", j), fmt.Sprint("G", j)
				}
				if err := s.AuditBatch(context.Background(), page); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
