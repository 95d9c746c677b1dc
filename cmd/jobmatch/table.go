package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// writeTable prints rows in columns aligned by display width: a Chinese
// character takes two cells of a terminal, so counting characters (as
// text/tabwriter does) pushes every column after a Chinese one out of line.
// Columns are two cells apart; the last is not padded.
func writeTable(w io.Writer, rows [][]string) error {
	for _, l := range alignedLines(rows) {
		if _, err := fmt.Fprintln(w, l); err != nil {
			return err
		}
	}
	return nil
}

// alignedLines are rows as writeTable prints them, one line each, for a
// table that puts lines of its own between them (jobmatch major).
func alignedLines(rows [][]string) []string {
	var width []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], runewidth.StringWidth(c))
		}
	}
	lines := make([]string, len(rows))
	for j, r := range rows {
		var b strings.Builder
		for i, c := range r {
			if i == len(r)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(runewidth.FillRight(c, width[i]+2))
		}
		lines[j] = strings.TrimRight(b.String(), " ")
	}
	return lines
}
