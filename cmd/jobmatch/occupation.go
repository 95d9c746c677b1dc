package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/urumqi-hrss/jobmatch/ingest/occupation"
)

// cmdOccupation prints the occupation chosen for each post: code, name,
// confidence and the words it rests on, or 未识别 when the classifier
// abstains. A description (--description, or after a tab on a --file
// line) is read when the title names no field.
func (m *Main) cmdOccupation(ctx context.Context, args []string) error {
	fs := m.flags("occupation")
	file := fs.String("file", "", "classify every line of this file (- for standard input): TITLE, or TITLE<tab>DESCRIPTION")
	desc := fs.String("description", "", "the posts' description, read when a title names no field")
	pos, err := m.parse(fs, args)
	if err != nil {
		return err
	}
	type post struct{ title, desc string }
	var posts []post
	for _, t := range pos {
		posts = append(posts, post{t, *desc})
	}
	if *file != "" {
		lines, err := m.readLines(*file)
		if err != nil {
			return err
		}
		for _, l := range lines {
			t, d, _ := strings.Cut(l, "\t")
			if d == "" {
				d = *desc
			}
			posts = append(posts, post{t, d})
		}
	}
	if len(posts) == 0 {
		return &usageError{"occupation: want TITLE... or --file F"}
	}
	c := occupation.Default()
	rows := [][]string{{"职位", "代码", "职业", "置信度", "依据"}}
	for _, p := range posts {
		rows = append(rows, occupationRow(c, p.title, p.desc))
	}
	return writeTable(m.Stdout, rows)
}

// occupationRow is one post's row: its title, then the classifier's code,
// name, confidence and evidence, or 未识别.
func occupationRow(c *occupation.Classifier, title, desc string) []string {
	m, ok := c.ClassifyPost(title, desc)
	if !ok {
		return []string{title, "-", "未识别", "-", "-"}
	}
	from := "标题"
	if m.From == "description" {
		from = "描述"
	}
	return []string{title, m.Code, m.Name, fmt.Sprintf("%.2f", m.Score), from + "：" + strings.Join(m.Evidence, "、")}
}
