package bolt

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/store"
	"github.com/urumqi-hrss/jobmatch/store/seal"
)

// sealedRecord is a graduate's record as upsertGraduates writes it
// (without the 8 bytes of time).
func sealedRecord(t testing.TB, g matcher.Graduate) []byte {
	keys, err := seal.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	sg, err := store.SealGraduate(keys, g)
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(gradRecord{Doc: sg.Doc, MAC: sg.MAC, NID: sg.NID})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

func recordGraduate() matcher.Graduate {
	return matcher.Graduate{ID: "G1", Name: "阿依古丽", NationalID: "650102200101011234", Gender: "女", Major: "会计学",
		Degree: 4, Skills: []string{"Excel"}, Hardship: []matcher.Hardship{matcher.HardshipLowIncome}, ExpectedSalary: 5200,
		Status: "registered", RegisteredAt: time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC)}
}

// TestSealedGradRecordPlainPath: a record as upsertGraduates writes it,
// with and without a national ID, is read by the plain reader.
func TestSealedGradRecordPlainPath(t *testing.T) {
	g := recordGraduate()
	noNID := g
	noNID.NationalID = ""
	for _, body := range [][]byte{sealedRecord(t, g), sealedRecord(t, noNID)} {
		var fast matcher.Graduate
		if !readSealedGradRecord(append(make([]byte, 8), body...), &fast) {
			t.Fatalf("%s: not read by the plain reader", body)
		}
		var r gradRecord
		var slow matcher.Graduate
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(r.Doc, &slow); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("plain reader %+v, encoding/json %+v", fast, slow)
		}
	}
}

// FuzzReadSealedGradRecord: on any record, readSealedGradRecord gives up
// or reads the document encoding/json reads from a gradRecord, and only
// records encoding/json reads without an error.
func FuzzReadSealedGradRecord(f *testing.F) {
	f.Add(sealedRecord(f, recordGraduate()))
	f.Add([]byte(`{"g":{"id":"x"},"m":"AA==","n":"AQ=="}`))
	f.Add([]byte(`{"g":{"id":"x"},"m":"A\nA==","x":1}`))
	f.Add([]byte(`{"g":null,"m":""}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast matcher.Graduate
		if !readSealedGradRecord(append(make([]byte, 8), body...), &fast) {
			return
		}
		var r gradRecord
		var slow matcher.Graduate
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatalf("%q: plain reader read it, encoding/json: %v", body, err)
		}
		if err := json.Unmarshal(r.Doc, &slow); err != nil {
			t.Fatalf("%q: plain reader read it, encoding/json: %v", body, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q: plain reader %+v, encoding/json %+v", body, fast, slow)
		}
	})
}
