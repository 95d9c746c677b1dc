package occupation

import (
	_ "embed"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// profilewords.txt is what profileTFs gives for Default's table on
// index.DefaultSegmenter: each leaf occupation's words with their weights.
// Cutting the catalogue's names, definitions and tasks for them took about
// half a CPU-second of every process that classifies (`jobmatch ingest
// posts` waited for it, alone on the critical path, before deriving its
// first post), and both inputs are compiled in. TestProfileWordsSnapshot
// keeps the file equal to a fresh cut (JOBMATCH_PROFILES_WRITE=1 rewrites
// it); at run time a sample of occupations is cut again and compared
// (snapshotTFs), and any difference, or a file for other codes, makes the
// classifier cut every occupation as before. Format: a line per
// occupation, its code, then each word and its weight, tab-separated,
// words sorted.
//
//go:embed profilewords.txt
var profileWordsText string

// snapshotSample is every how many occupations snapshotTFs cuts again.
const snapshotSample = 50

// snapshotTFs is profilewords.txt's words for occs, or nil when the file
// is for other occupations or a sample of them cut now differs.
func snapshotTFs(cut Cutter, occs []catalog.Occupation, keys map[string][]string) []map[string]float32 {
	tf, ok := decodeProfileWords(profileWordsText, occs)
	if !ok {
		return nil
	}
	for i := 0; i < len(occs); i += snapshotSample {
		if !maps.Equal(tf[i], profileTerms(cut, occs[i], keys)) {
			return nil
		}
	}
	return tf
}

// encodeProfileWords writes tf, the words of occs, as profilewords.txt.
func encodeProfileWords(occs []catalog.Occupation, tf []map[string]float32) string {
	var b strings.Builder
	for i, o := range occs {
		b.WriteString(o.Code)
		for _, w := range slices.Sorted(maps.Keys(tf[i])) {
			b.WriteString("\t" + w + "\t" + strconv.FormatFloat(float64(tf[i][w]), 'g', -1, 32))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// decodeProfileWords reads profilewords.txt's words for occs; false when
// it holds other codes, or not in occs's order, or is damaged.
func decodeProfileWords(text string, occs []catalog.Occupation) ([]map[string]float32, bool) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != len(occs) {
		return nil, false
	}
	tf := make([]map[string]float32, len(occs))
	for i, ln := range lines {
		f := strings.Split(ln, "\t")
		if f[0] != occs[i].Code || len(f)%2 != 1 {
			return nil, false
		}
		m := make(map[string]float32, len(f)/2)
		for j := 1; j < len(f); j += 2 {
			w, err := strconv.ParseFloat(f[j+1], 32)
			if err != nil {
				return nil, false
			}
			m[f[j]] = float32(w)
		}
		tf[i] = m
	}
	return tf, true
}
