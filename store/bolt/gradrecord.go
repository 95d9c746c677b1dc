package bolt

import (
	"encoding/base64"

	bbolt "go.etcd.io/bbolt"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
)

// A batch run opens every graduate before it starts (the read overlaps
// the engine's build, on the other core), and decoding each record twice
// with encoding/json — the gradRecord, then its document — was most of
// that read. openGradRecord reads a sealed graduate's record as
// json.Marshal wrote it ({"g":document,"m":"base64","n":"base64"}) in one
// pass, the document with store.ReadGraduateDoc; anything else is left to
// decodeGradRecord and encoding/json (ok false), so both read the same
// (FuzzOpenGradRecord).

// openGradRecord is getGraduate through the plain reader, of v, the
// record the caller fetched (once, for both readers): ok false when the
// record is not in json.Marshal's plain form (or missing), for the caller
// to read it with encoding/json.
func (s *Store) openGradRecord(tx *bbolt.Tx, id string, v []byte) (*matcher.Graduate, bool, error) {
	if v == nil {
		return nil, false, nil
	}
	g := new(matcher.Graduate)
	if !readSealedGradRecord(v, g) {
		return nil, false, nil
	}
	if err := store.OpenPersonal(s.keys, id, g, tx.Bucket(bGradPII).Get([]byte(id))); err != nil {
		return nil, true, err
	}
	g.UpdatedAt = recordTime(v)
	return g, true, nil
}

// readSealedGradRecord decodes the document of a sealed graduate's record
// (v with its 8 bytes of time) into g and checks the rest of the record
// as encoding/json would read it into a gradRecord: "m" and an optional
// "n", each valid standard base64.
func readSealedGradRecord(v []byte, g *matcher.Graduate) bool {
	const head = `{"g":`
	if len(v) < 8 || string(v[8:min(len(v), 8+len(head))]) != head {
		return false
	}
	b := v[8+len(head):]
	n, ok := store.ReadGraduateDoc(b, g)
	if !ok {
		return false
	}
	b = b[n:]
	if b, ok = base64Field(b, `,"m":"`); !ok {
		return false
	}
	if len(b) > 0 && b[0] == ',' {
		if b, ok = base64Field(b, `,"n":"`); !ok {
			return false
		}
	}
	return string(b) == "}"
}

// base64Field checks that b begins with key (up to the opening quote) and
// a string of valid standard base64 that json.Unmarshal reads into a
// []byte, and returns the rest.
func base64Field(b []byte, key string) ([]byte, bool) {
	if len(b) < len(key) || string(b[:len(key)]) != key {
		return nil, false
	}
	b = b[len(key):]
	end := 0
	for end < len(b) && b[end] != '"' {
		c := b[end]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return nil, false // an escape or a byte base64 skips (\r, \n): encoding/json's to judge
		}
		end++
	}
	if end == len(b) {
		return nil, false
	}
	var buf [96]byte
	if base64.StdEncoding.DecodedLen(end) > len(buf) {
		return nil, false
	}
	if _, err := base64.StdEncoding.Decode(buf[:], b[:end]); err != nil {
		return nil, false
	}
	return b[end+1:], true
}
