package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/urumqi-hrss/jobmatch/ingest/major"
	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// cmdMajor prints what each major name resolves to in the national
// catalogues: code, 专业类, 门类, level, how it was found, and the
// occupations it leads to.
func (m *Main) cmdMajor(ctx context.Context, args []string) error {
	fs := m.flags("major")
	degree := fs.String("degree", "", "the graduate's degree (中专, 大专, 本科, 硕士, 博士): resolve at its catalogue level")
	file := fs.String("file", "", "resolve every line of this file (- for standard input)")
	pos, err := m.parse(fs, args)
	if err != nil {
		return err
	}
	names := pos
	if *file != "" {
		if names, err = m.readLines(*file); err != nil {
			return err
		}
	}
	if len(names) == 0 {
		return &usageError{"major: want NAME... or --file F"}
	}
	d := matcher.DegreeNone
	if *degree != "" {
		if d, err = normalize.Degree(*degree); err != nil {
			return &usageError{"major --degree: " + err.Error()}
		}
	}
	r, err := major.Default()
	if err != nil {
		return err
	}
	rows := [][]string{{"名称", "代码", "专业类", "门类", "层次", "识别方式"}}
	var links [][]catalog.OccupationLink
	for _, n := range names {
		res := r.Resolve(n, major.Levels(d)...)
		rows = append(rows, majorRow(n, res))
		var ls []catalog.OccupationLink
		if code := res.Code(); code != "" {
			ls = catalog.MajorOccupations(code)
		}
		links = append(links, ls)
	}
	return writeMajorTable(m.Stdout, rows, links)
}

func majorRow(name string, res catalog.MajorResolution) []string {
	if res.Found == catalog.MajorNotFound {
		return []string{name, "-", "-", "-", "-", "不在专业目录中，也无法从名称推断专业类"}
	}
	code := res.Major.Code
	if code == "" {
		code = "-"
	}
	return []string{name, code, res.ClassCode + " " + res.ClassName, res.CategoryCode + " " + res.CategoryName, res.Level, res.Explain()}
}

// barredWithin names the 细类 of a licensed link to a 小类 that the major
// does not qualify for (临床医学 → 临床和口腔医师, but not 口腔科医师).
func barredWithin(code string, l catalog.OccupationLink) string {
	if code == "-" || !strings.HasSuffix(l.Occupation, "-00") {
		return ""
	}
	prefix := strings.TrimSuffix(l.Occupation, "00")
	var out []string
	for _, o := range catalog.Occupations() {
		if o.Code != l.Occupation && strings.HasPrefix(o.Code, prefix) && catalog.MajorAffinity(code, o.Code).Kind == catalog.AffinityBarred {
			out = append(out, o.Name)
		}
	}
	return strings.Join(out, "、")
}

// linkKinds name a link's kind as a person reads it.
var linkKindNames = map[catalog.LinkKind]string{catalog.LinkLicensed: "执业资格", catalog.LinkCore: "主要", catalog.LinkRelated: "相关"}

// writeMajorTable aligns the rows by display width (a Chinese character is
// two columns wide) and lists each name's occupations under its row.
func writeMajorTable(w io.Writer, rows [][]string, links [][]catalog.OccupationLink) error {
	lines := alignedLines(rows)
	if _, err := fmt.Fprintln(w, lines[0]); err != nil {
		return err
	}
	for i, l := range lines[1:] {
		if _, err := fmt.Fprintln(w, l); err != nil {
			return err
		}
		for _, l := range links[i] {
			kind := linkKindNames[l.Kind]
			if l.Licence != "" {
				kind += "：" + l.Licence
				if ex := barredWithin(rows[i+1][1], l); ex != "" {
					kind += "，不含" + ex
				}
			}
			if l.Inherited {
				kind += "，承自专业类 " + l.From
			}
			if _, err := fmt.Fprintf(w, "    %s %s（%s）\n", l.Occupation, l.Name, kind); err != nil {
				return err
			}
		}
	}
	return nil
}
