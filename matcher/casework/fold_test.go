package casework

import (
	"slices"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

func TestFold(t *testing.T) {
	t0 := time.Date(2023, 7, 1, 12, 0, 0, 0, time.UTC)
	ed := func(i int, action, id string) matcher.ShortlistEdit {
		return matcher.ShortlistEdit{GraduateID: "g", PostID: id, Action: action, At: t0.Add(time.Duration(i) * time.Minute)}
	}
	type out struct {
		id     string
		pinned bool
	}
	tests := []struct {
		name      string
		edits     []matcher.ShortlistEdit
		want      []out
		removed   []string
		confirmed bool
	}{
		{"empty", nil, nil, nil, false},
		{"adds keep their order", []matcher.ShortlistEdit{ed(1, "add", "a"), ed(2, "add", "b"), ed(3, "add", "c")}, []out{{"a", false}, {"b", false}, {"c", false}}, nil, false},
		{"add twice is one item", []matcher.ShortlistEdit{ed(1, "add", "a"), ed(2, "add", "a")}, []out{{"a", false}}, nil, false},
		{"remove", []matcher.ShortlistEdit{ed(1, "add", "a"), ed(2, "add", "b"), ed(3, "remove", "a")}, []out{{"b", false}}, []string{"a"}, false},
		{"remove then add again goes last", []matcher.ShortlistEdit{ed(1, "add", "a"), ed(2, "add", "b"), ed(3, "remove", "a"), ed(4, "add", "a")}, []out{{"b", false}, {"a", false}}, nil, false},
		{"pinned first", []matcher.ShortlistEdit{ed(1, "add", "a"), ed(2, "add", "b"), ed(3, "add", "c"), ed(4, "pin", "c")}, []out{{"c", true}, {"a", false}, {"b", false}}, nil, false},
		{"pin adds", []matcher.ShortlistEdit{ed(1, "add", "a"), ed(2, "pin", "z")}, []out{{"z", true}, {"a", false}}, nil, false},
		{"unpin", []matcher.ShortlistEdit{ed(1, "add", "a"), ed(2, "add", "b"), ed(3, "pin", "b"), ed(4, "unpin", "b")}, []out{{"a", false}, {"b", false}}, nil, false},
		{"remove clears the pin", []matcher.ShortlistEdit{ed(1, "pin", "a"), ed(2, "remove", "a"), ed(3, "add", "a")}, []out{{"a", false}}, nil, false},
		{"removing a proposed item keeps it off proposals", []matcher.ShortlistEdit{ed(1, "remove", "a"), ed(2, "add", "b")}, []out{{"b", false}}, []string{"a"}, false},
		{"an override is an add", []matcher.ShortlistEdit{ed(1, "add_override", "m")}, []out{{"m", false}}, nil, false},
		{"confirm", []matcher.ShortlistEdit{ed(1, "add", "a"), ed(2, "confirm", "")}, []out{{"a", false}}, nil, true},
		{"unknown action ignored", []matcher.ShortlistEdit{ed(1, "add", "a"), ed(2, "explode", "a")}, []out{{"a", false}}, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := fold(tc.edits)
			var got []out
			for _, e := range f.entries {
				got = append(got, out{e.ID, e.Pinned})
			}
			var removed []string
			for id := range f.removed {
				removed = append(removed, id)
			}
			slices.Sort(removed)
			if !slices.Equal(got, tc.want) || !slices.Equal(removed, tc.removed) || f.confirmed != tc.confirmed || f.edits != len(tc.edits) {
				t.Fatalf("fold = %v removed %v confirmed %v, want %v %v %v", got, removed, f.confirmed, tc.want, tc.removed, tc.confirmed)
			}
		})
	}
	ov := fold([]matcher.ShortlistEdit{{PostID: "m", Action: "add_override", Note: "本人坚持"}})
	if ov.entries[0].Override != "本人坚持" {
		t.Errorf("override note lost: %+v", ov.entries[0])
	}
}
