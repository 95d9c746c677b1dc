package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
)

// TestMajorCommand: every name gets a row, columns line up by display
// width, and each row says how the name was found.
func TestMajorCommand(t *testing.T) {
	code, out, errs := run(t, "", "major", "--degree", "大专", "烹饪与营养教育", "护理", "智能烹饪技术", "占星术")
	if code != 0 {
		t.Fatalf("major: exit %d: %s", code, errs)
	}
	var rows []string
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if !strings.HasPrefix(l, "    ") {
			rows = append(rows, l)
		}
	}
	if len(rows) != 5 {
		t.Fatalf("major: %d table rows, want header + 4:\n%s", len(rows), out)
	}
	for _, want := range []string{"082708T", "0827 食品科学与工程类", "520201", "推断属餐饮类", "无法从名称推断", "2-05-08-01 内科护士（执业资格：护士执业资格）"} {
		if !strings.Contains(out, want) {
			t.Errorf("major output lacks %q:\n%s", want, out)
		}
	}
	// The 代码 column starts at the same display column on every row.
	col := func(row, cell string) int { return runewidth.StringWidth(row[:strings.Index(row, cell)]) }
	want := col(rows[0], "代码")
	for i, cell := range []string{"082708T", "520201", "-", "-"} {
		if got := col(rows[i+1], cell); got != want {
			t.Errorf("row %d: 代码 column at %d, header at %d:\n%s", i+1, got, want, out)
		}
	}
	if code, _, _ := run(t, "", "major"); code != exitUsage {
		t.Errorf("major without names: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := run(t, "", "major", "--degree", "幼儿园", "护理"); code != exitUsage {
		t.Errorf("major --degree 幼儿园: exit %d, want %d", code, exitUsage)
	}
}

// TestProfileUnknownMajor: --profile with a real 本科 major the old
// catalogue lacked (烹饪与营养教育 exited 1) and with a major no catalogue
// names: both recommend, the second with a note saying how its 专业类 was
// inferred.
func TestProfileUnknownMajor(t *testing.T) {
	if testing.Short() {
		t.Skip("needs imported posts")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	day := "--now=2024-06-01"
	if code, _, errs := run(t, "", "ingest", "--data", data, day, "--quiet", "posts", repoFile(t, "docs/samples/posts.csv")); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errs)
	}
	for _, c := range []struct{ profile, note string }{
		{`{"major":"烹饪与营养教育","degree":"本科"}`, ""},
		{`{"major":"智能烹饪技术","degree":"大专"}`, "推断属餐饮类"},
		{`{"major":"占星术","degree":"本科"}`, "无法从名称推断"},
	} {
		f := filepath.Join(dir, "p.json")
		if err := os.WriteFile(f, []byte(c.profile), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errs := run(t, "", "recommend", "--data", data, day, "--profile", f)
		if code != 0 || !strings.Contains(out, "毕业生 profile") {
			t.Errorf("%s: exit %d: %s%s", c.profile, code, out, errs)
		}
		if c.note != "" && !strings.Contains(errs, c.note) || c.note == "" && strings.Contains(errs, "注：") {
			t.Errorf("%s: stderr %q, want a note containing %q", c.profile, errs, c.note)
		}
	}
}
