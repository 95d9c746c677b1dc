package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
)

// TestSegmentKeepsTrailingEmptyLines: one output line per input line, the
// empty ones at the end included.
func TestSegmentKeepsTrailingEmptyLines(t *testing.T) {
	for _, tc := range []struct {
		in    string
		lines int
	}{
		{"会计学专业毕业\n\n", 2},
		{"会计学专业毕业\n\n\n", 3},
		{"会计学专业毕业", 1},
		{"\n", 1},
		{"会计学\r\n\r\n", 2},
	} {
		code, out, errs := run(t, tc.in, "segment")
		if code != 0 {
			t.Fatalf("segment %q: exit %d: %s", tc.in, code, errs)
		}
		if got := strings.Count(out, "\n"); got != tc.lines {
			t.Errorf("segment %q: %d output lines %q, want %d", tc.in, got, out, tc.lines)
		}
	}
}

// TestKeysCreateUsage: a missing or wrong role, district or source is a
// usage error (exit 2) naming the flag, with a complete Chinese message —
// checked before any store is opened.
func TestKeysCreateUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"keys", "create"}, []string{"--role", "缺少角色", "counselor（就业指导员）"}},
		{[]string{"keys", "create", "--role", "nope"}, []string{"--role", "未知角色「nope」"}},
		{[]string{"keys", "create", "--role", "counselor"}, []string{"--district", "天山区、沙依巴克区", "乌鲁木齐县"}},
		{[]string{"keys", "create", "--role", "counselor", "--district", "朝阳区"}, []string{"--district", "「朝阳区」不是乌鲁木齐的区（县）"}},
		{[]string{"keys", "create", "--role", "portal"}, []string{"--source", "门户密钥需要来源标识"}},
	} {
		code, _, errs := run(t, "", append([]string{"--data", t.TempDir()}, tc.args...)...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", tc.args, code, errs)
		}
		for _, w := range tc.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%v: %q does not say %q", tc.args, errs, w)
			}
		}
		if strings.Contains(errs, "：\n") || strings.Contains(errs, "： (") || strings.Contains(errs, "辅导员") && !strings.Contains(errs, "就业指导员") {
			t.Errorf("%v: the message ends on an empty value or says 辅导员: %q", tc.args, errs)
		}
	}
}

// TestKeysListAlignedByDisplayWidth: Chinese names and districts take two
// cells each; every column of keys list starts at the same display cell on
// every line.
func TestKeysListAlignedByDisplayWidth(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	for _, k := range [][]string{
		{"--role", "counselor", "--district", "乌鲁木齐县", "--name", "阿依古丽·买买提"},
		{"--role", "counselor", "--district", "天山区", "--name", "王老师"},
		{"--role", "admin", "--name", "ops"},
	} {
		if code, _, errs := run(t, "", append([]string{"keys", "create", "--data", data}, k...)...); code != 0 {
			t.Fatalf("create %v: exit %d: %s", k, code, errs)
		}
	}
	code, out, errs := run(t, "", "keys", "list", "--data", data)
	if code != 0 {
		t.Fatalf("list: exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("list: %q", out)
	}
	// The ROLE column: where it starts on the header line, in cells, is
	// where every key's role starts.
	col := runewidth.StringWidth(lines[0][:strings.Index(lines[0], "ROLE")])
	for _, l := range lines[1:] {
		i := strings.IndexFunc(l, func(r rune) bool { return false })
		for _, role := range []string{"counselor", "admin"} {
			if j := strings.Index(l, "  "+role+"  "); j >= 0 {
				i = j + 2
			}
		}
		if i < 0 || runewidth.StringWidth(l[:i]) != col {
			t.Errorf("the role does not start at cell %d in %q", col, l)
		}
	}
}

// TestWriteTable: columns start at the same display cell on every row,
// whatever mix of Chinese and ASCII the cells hold.
func TestWriteTable(t *testing.T) {
	rows := [][]string{{"1", "会计", "乌鲁木齐某某商贸有限公司", "天山区"}, {"22", "Go 开发工程师", "x", "米东区"}, {"333", "", "新疆·维吾尔", "-"}}
	var b strings.Builder
	if err := writeTable(&b, rows); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	for c := 1; c < 4; c++ {
		want := -1
		for r, l := range lines {
			cell := rows[r][c]
			if cell == "" {
				continue
			}
			at := runewidth.StringWidth(l[:strings.LastIndex(l, cell)])
			if want < 0 {
				want = at
			} else if at != want {
				t.Errorf("column %d starts at cell %d on row %d, %d on the first: %q", c, at, r, want, b.String())
			}
		}
	}
}

// checkSearchTable: search's hits are aligned by display width (the
// channel, last, starts at the same cell on every hit) and its facets are
// in Chinese.
func checkSearchTable(t *testing.T, out string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	channels := []string{"党政机关事业单位", "国有企业", "中小微企业", "基层服务项目", "征兵入伍", "自主创业灵活就业", "培训课程"}
	col, hits, facets := -1, 0, 0
	for _, l := range lines[1:] {
		if name, _, ok := strings.Cut(l, "："); ok && (name == "渠道" || name == "区域" || name == "类别") {
			facets++
			for _, code := range []string{"sme", "state_owned", "public_sector", "internship", "job ", "course"} {
				if strings.Contains(l, code) {
					t.Errorf("facet line %q shows the code %s", l, code)
				}
			}
			continue
		}
		at := -1
		for _, c := range channels {
			if i := strings.LastIndex(l, "  "+c); i >= 0 && strings.HasSuffix(l, c) {
				at = runewidth.StringWidth(l[:i+2])
			}
		}
		if at < 0 {
			t.Errorf("hit line without a channel at its end: %q", l)
			continue
		}
		hits++
		if col < 0 {
			col = at
		} else if at != col {
			t.Errorf("the channel starts at cell %d, %d on the first hit: %q", at, col, l)
		}
	}
	if hits < 2 || facets < 2 {
		t.Errorf("search printed %d hits and %d facet lines:\n%s", hits, facets, out)
	}
	if strings.Contains(out, "channel:") || strings.Contains(out, "district:") {
		t.Errorf("facet names in English:\n%s", out)
	}
}
