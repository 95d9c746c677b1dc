package ingest

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
)

// repeats decides which good rows of an import are written, so that an
// import writes each key once and importing the same files again finds
// every record unchanged:
//
//   - Within a file, only the last row of each key is written. Earlier rows
//     with the same content (a scrape that lists a post twice) are repeats;
//     earlier rows with other content under the same explicit key (an
//     export that lists a post before and after an edit) are superseded.
//     Both count as duplicate and are summed up in a warning. Writing them
//     would make every import of the file update the record twice.
//   - A row identical to one an earlier file of the same import wrote is a
//     repeat too. A row that changes such a record is written (the later
//     file wins) and reported: importing the same files again updates that
//     record again, since its earlier version is written first.
//
// Posts and courses without an ID are keyed by their content (contentID),
// so for them only exact repeats exist.
//
// A row's content hash (fileRecords.sum, a JSON encoding) is computed only
// where it is compared: for the rows of a key that repeats within the file,
// for a row whose key an earlier file wrote, and for the keys a file writes
// once the file is written and another file follows (settle). A single-file import
// without repeats, the usual one, hashes nothing (it hashed every row, ~2%
// of an import's CPU).
type repeats struct {
	written map[string]uint64 // key → content hash of the version this import writes
	// pending are the keys the last planned file writes, hashed by
	// settle when another file comes.
	pending    []int
	pendingIDs []string
	pendingFr  *fileRecords
}

func newRepeats() *repeats { return &repeats{written: map[string]uint64{}} }

// settle hashes the rows the last planned file writes, on every core:
// the import calls it before the next file (and plan does, in case).
func (rp *repeats) settle() {
	if rp.pendingFr == nil {
		return
	}
	sums := make([]uint64, len(rp.pending))
	eachIndex(len(rp.pending), func(k int) {
		rp.pendingFr.derive(rp.pending[k]) // done already: the file's chunks waited for it
		sums[k] = rp.pendingFr.sum(rp.pending[k])
	})
	for k, id := range rp.pendingIDs {
		rp.written[id] = sums[k]
	}
	rp.pending, rp.pendingIDs, rp.pendingFr = nil, nil, nil
}

// repeatStats is what plan found in one file.
type repeatStats struct {
	same, superseded, earlierFile, changedAcross int
	// example lines for the warnings
	sameEx, supersededEx, changedEx []string
}

const maxExamples = 3

func example(ex []string, s string) []string {
	if len(ex) < maxExamples {
		ex = append(ex, s)
	}
	return ex
}

func rowPlace(r Row) string {
	if r.Sheet != "" {
		return fmt.Sprintf("[%s]:%d", r.Sheet, r.Line)
	}
	return strconv.Itoa(r.Line)
}

// plan marks the rows of fr that are not written (fr.skip).
func (rp *repeats) plan(fr *fileRecords) repeatStats {
	rp.settle()
	var st repeatStats
	n := len(fr.errs)
	ids := make([]string, n)
	sums := make([]uint64, n)
	last := map[string]int{}
	rows := map[string]int{} // good rows per key
	for i := range n {
		if fr.good(i) {
			ids[i] = fr.id(i)
			last[ids[i]] = i
			rows[ids[i]]++
		}
	}
	// A sum encodes the whole record: computed, on every core like the
	// conversion, for the rows whose sums are compared below — every row
	// of a key the file has more than once, and a row of a key an earlier
	// file wrote.
	var need []int
	for i := range n {
		if !fr.good(i) {
			continue
		}
		if _, earlier := rp.written[ids[i]]; earlier || rows[ids[i]] > 1 {
			need = append(need, i)
		}
	}
	eachIndex(len(need), func(k int) {
		// A sum covers the derived fields too: derive those rows now.
		fr.derive(need[k])
		sums[need[k]] = fr.sum(need[k])
	})
	for i := range n {
		if !fr.good(i) {
			continue
		}
		if j := last[ids[i]]; j != i {
			fr.skip[i] = true
			if sums[i] == sums[j] {
				st.same++
				st.sameEx = example(st.sameEx, rowPlace(fr.rows[i])+"="+rowPlace(fr.rows[j]))
			} else {
				st.superseded++
				st.supersededEx = example(st.supersededEx, rowPlace(fr.rows[i])+"→"+rowPlace(fr.rows[j]))
			}
			continue
		}
		if old, ok := rp.written[ids[i]]; ok {
			if old == sums[i] {
				fr.skip[i] = true
				st.earlierFile++
				continue
			}
			st.changedAcross++
			st.changedEx = example(st.changedEx, rowPlace(fr.rows[i]))
			rp.written[ids[i]] = sums[i]
			continue
		}
		rp.pending = append(rp.pending, i)
		rp.pendingIDs = append(rp.pendingIDs, ids[i])
	}
	rp.pendingFr = fr
	return st
}

// fileWarnings sums up a file's repeats and the caveats of its accepted
// rows, one line each.
func fileWarnings(path string, fr *fileRecords, st repeatStats) []string {
	var w []string
	if st.same > 0 {
		w = append(w, fmt.Sprintf("%s：%d 行与本文件中另一行完全相同，只导入一次，计为 duplicate（如第 %s 行）(%d rows repeat an earlier row of the same file)",
			path, st.same, strings.Join(st.sameEx, "、"), st.same))
	}
	if st.superseded > 0 {
		w = append(w, fmt.Sprintf("%s：%d 行与本文件中后面一行编号相同但内容不同，以后一行为准，计为 duplicate（如第 %s 行）(%d rows are superseded by a later row with the same key)",
			path, st.superseded, strings.Join(st.supersededEx, "、"), st.superseded))
	}
	if st.earlierFile > 0 {
		w = append(w, fmt.Sprintf("%s：%d 行与本次导入中前面文件的一行完全相同，只导入一次，计为 duplicate (%d rows repeat a row of an earlier file of this import)",
			path, st.earlierFile, st.earlierFile))
	}
	if st.changedAcross > 0 {
		w = append(w, fmt.Sprintf("%s：%d 行修改了本次导入中前面文件写入的记录（编号相同、内容不同），以本文件为准（如第 %s 行）(%d rows change a record an earlier file of this import wrote; the later file wins)",
			path, st.changedAcross, strings.Join(st.changedEx, "、"), st.changedAcross))
	}
	// Notes, grouped by column.
	type group struct {
		n  int
		ex []string
	}
	var cols []string
	groups := map[string]*group{}
	for i, ns := range fr.notes {
		if !fr.good(i) {
			continue
		}
		for _, nt := range ns {
			g := groups[nt.Column]
			if g == nil {
				g = &group{}
				groups[nt.Column] = g
				cols = append(cols, nt.Column)
			}
			g.n++
			g.ex = example(g.ex, fmt.Sprintf("%s '%s'", rowPlace(fr.rows[i]), nt.Value))
		}
	}
	for _, c := range cols {
		g := groups[c]
		w = append(w, fmt.Sprintf("%s：%d 行的 %s 无法识别，按原文保存、含义视为未知，行已导入（如第 %s 行）(%d rows have a value in column %s that cannot be read: kept as written, its meaning unknown; the rows are imported)",
			path, g.n, c, strings.Join(g.ex, "、"), g.n, c))
	}
	return w
}

func unknownColumnsWarning(path string, cols []string) string {
	return fmt.Sprintf("%s：忽略了无法识别的列 %s (columns ignored: not recognised)", path, strings.Join(cols, "、"))
}

// visibility counts the posts of an import that are stored but not
// searchable as of the import's clock, so the summary can say why a fresh
// import finds nothing (a 2019 export imported in 2026 is all past its
// deadline).
type visibility struct {
	now          time.Time
	pastDeadline int
	notOpen      int // filled or closed
}

func (v *visibility) add(p *matcher.Post) {
	switch {
	case p.Status != matcher.PostOpen && p.Status != "":
		v.notOpen++
	case !p.Deadline.IsZero() && matcher.EndOfDay(p.Deadline).Before(v.now):
		v.pastDeadline++
	}
}

func (v *visibility) warnings() []string {
	if v.pastDeadline+v.notOpen == 0 {
		return nil
	}
	day := v.now.Format(time.DateOnly)
	zh := fmt.Sprintf("%d 个岗位已保存但不可搜索（截至 %s）：", v.pastDeadline+v.notOpen, day)
	en := fmt.Sprintf("%d posts are stored but not searchable as of %s:", v.pastDeadline+v.notOpen, day)
	var zp, ep []string
	if v.pastDeadline > 0 {
		zp = append(zp, fmt.Sprintf("%d 个已过截止日期（如需按其他日期导入，用 --now 指定）", v.pastDeadline))
		ep = append(ep, fmt.Sprintf("%d past their deadline as of %s — use --now to import as of another date", v.pastDeadline, day))
	}
	if v.notOpen > 0 {
		zp = append(zp, fmt.Sprintf("%d 个已招满或已关闭", v.notOpen))
		ep = append(ep, fmt.Sprintf("%d filled or closed", v.notOpen))
	}
	return []string{zh + strings.Join(zp, "，") + " (" + en + " " + strings.Join(ep, ", ") + ")"}
}
