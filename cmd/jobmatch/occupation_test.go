package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOccupationCommand: each post gets a row with code, name, confidence
// and evidence; a title that names no field is 未识别 alone and read from
// its description when one is given (flag or tab in --file).
func TestOccupationCommand(t *testing.T) {
	code, out, errs := run(t, "", "occupation", "护士长", "生产技术人员", "软件维护工程师")
	if code != 0 {
		t.Fatalf("occupation: exit %d: %s", code, errs)
	}
	rows := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(rows) != 4 || !strings.Contains(rows[0], "置信度") || !strings.Contains(rows[0], "依据") {
		t.Fatalf("occupation: want header + 3 rows:\n%s", out)
	}
	if !strings.Contains(rows[1], "2-05-08-00") || !strings.Contains(rows[1], "1.00") || !strings.Contains(rows[1], "标题：护士长") {
		t.Errorf("护士长 row: %q", rows[1])
	}
	if !strings.Contains(rows[2], "未识别") {
		t.Errorf("生产技术人员 alone: %q, want 未识别", rows[2])
	}
	if strings.Contains(rows[3], "4-14") || strings.Contains(rows[3], "护理") {
		t.Errorf("软件维护工程师 read as care work: %q", rows[3])
	}
	code, out, _ = run(t, "", "occupation", "--description", "负责进出口货物的报关、报检，单证制作与审核", "专员")
	if code != 0 || !strings.Contains(out, "2-06-07-12") || !strings.Contains(out, "描述：") {
		t.Errorf("专员 with a customs description: exit %d\n%s", code, out)
	}
	f := filepath.Join(t.TempDir(), "posts.tsv")
	if err := os.WriteFile(f, []byte("专员\t负责进出口货物的报关、报检，单证制作与审核\n专员\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, "", "occupation", "--file", f)
	rows = strings.Split(strings.TrimRight(out, "\n"), "\n")
	if code != 0 || len(rows) != 3 || !strings.Contains(rows[1], "报关人员") || !strings.Contains(rows[2], "未识别") {
		t.Errorf("occupation --file: exit %d\n%s", code, out)
	}
	if code, _, _ := run(t, "", "occupation"); code != exitUsage {
		t.Errorf("occupation without titles: exit %d, want %d", code, exitUsage)
	}
}
