package index

import (
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/go-ego/gse"
	"github.com/vcaesar/cedar"
)

// The compiled dictionary's view of gse's and cedar's types (dictcache.go):
// which fields it reads and writes, where they sit, and the signature of
// the whole layout that goes into the file's key.

// gseLayout is where the fields the compiled form holds sit in gse's and
// cedar's types, found by name and checked by type (gseLayoutOf).
type gseLayout struct {
	dictTrie, dictMaxLen, dictTotal uintptr // in gse.Dictionary
	tokText, tokFreq, tokPos        uintptr // in gse.Token
	trie                            []reflect.StructField
	signature                       string
}

// gseLayoutOf finds the fields, or says which one is not as expected.
func gseLayoutOf() (*gseLayout, error) {
	var lay gseLayout
	var sig []byte
	field := func(t reflect.Type, name string, want reflect.Type) (uintptr, error) {
		f, ok := t.FieldByName(name)
		if !ok || f.Type != want || len(f.Index) != 1 {
			return 0, fmt.Errorf("%v.%s is not a %v", t, name, want)
		}
		return f.Offset, nil
	}
	dt := reflect.TypeFor[gse.Dictionary]()
	tt := reflect.TypeFor[gse.Token]()
	var err error
	for _, f := range []struct {
		t    reflect.Type
		name string
		want reflect.Type
		off  *uintptr
	}{
		{dt, "trie", reflect.TypeFor[*cedar.Cedar](), &lay.dictTrie},
		{dt, "maxTokenLen", reflect.TypeFor[int](), &lay.dictMaxLen},
		{dt, "totalFreq", reflect.TypeFor[float64](), &lay.dictTotal},
		{tt, "text", reflect.TypeFor[[]gse.Text](), &lay.tokText},
		{tt, "freq", reflect.TypeFor[float64](), &lay.tokFreq},
		{tt, "pos", reflect.TypeFor[string](), &lay.tokPos},
	} {
		if *f.off, err = field(f.t, f.name, f.want); err != nil {
			return nil, err
		}
	}
	if f, ok := dt.FieldByName("Tokens"); !ok || f.Type != reflect.TypeFor[[]gse.Token]() {
		return nil, errors.New("gse.Dictionary.Tokens is not a []gse.Token")
	}
	// Exactly these fields: state a later gse adds to either type (an
	// index the load fills, a counter) would be missing from a compiled
	// dictionary, so a type with any other field has no compiled form.
	for _, want := range []struct {
		t      reflect.Type
		fields []string
	}{
		{dt, []string{"trie", "maxTokenLen", "Tokens", "totalFreq"}},
		{tt, []string{"text", "freq", "pos", "distance", "segments"}},
	} {
		var got []string
		for i := range want.t.NumField() {
			got = append(got, want.t.Field(i).Name)
		}
		if !slices.Equal(got, want.fields) {
			return nil, fmt.Errorf("%v has fields %v, not %v", want.t, got, want.fields)
		}
	}
	// A token's other fields (its path length and sub-segments) are gse's
	// CalcToken's, zero after the load; the trie is copied field by field.
	ct := reflect.TypeFor[cedar.Cedar]()
	for i := range ct.NumField() {
		f := ct.Field(i)
		if !plainType(f.Type) && !(f.Type.Kind() == reflect.Slice && plainType(f.Type.Elem())) {
			return nil, fmt.Errorf("%v.%s (%v) is not plain data", ct, f.Name, f.Type)
		}
		lay.trie = append(lay.trie, f)
	}
	for _, t := range []reflect.Type{dt, tt, ct, reflect.TypeFor[cedar.Node](), reflect.TypeFor[cedar.NInfo](), reflect.TypeFor[cedar.Block]()} {
		sig = fmt.Appendf(sig, "%v %d:", t, t.Size())
		for i := range t.NumField() {
			f := t.Field(i)
			sig = fmt.Appendf(sig, " %s %v %d", f.Name, f.Type, f.Offset)
		}
		sig = append(sig, '\n')
	}
	lay.signature = string(sig)
	return &lay, nil
}

// plainType reports whether values of t are bytes only (no pointers), so
// that they can be copied to and from a file as they lie in memory.
func plainType(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return true
	case reflect.Array:
		return plainType(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !plainType(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}
