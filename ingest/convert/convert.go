package convert

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// sourceOf is the row's source: its column, the mapping default (already
// applied to Values), or the file's base name — so two portals' files never
// share IDs even without a source column.
// sourceSeps keeps ':' (and spaces) out of a source, built once.
var sourceSeps = strings.NewReplacer(":", "-", " ", "-")

func sourceOf(r Row) string {
	s := normalize.Text(r.Get("source"))
	if s == "" {
		base := filepath.Base(r.File)
		s = strings.TrimSuffix(base, filepath.Ext(base))
	}
	s = strings.ToLower(s)
	// ':' separates source from external id in an ID.
	s = sourceSeps.Replace(s)
	if s == "" {
		s = "unknown"
	}
	return s
}

// Key limits: IDs are keys in both stores, which refuse long ones; a row
// must fail here, alone, rather than fail a whole chunk in the store.
const (
	maxSourceLen     = 64
	maxExternalIDLen = 200
)

func (e *rowErrs) checkKey(col, v string, max int) {
	if err := checkKey(v, max); err != nil {
		if strings.ContainsRune(v, 0) {
			v = "" // not echoed: a report cannot show it
		}
		e.add(col, v, err.Error())
	}
}

// checkKey refuses an ID the stores cannot keep.
func checkKey(v string, max int) error {
	if len(v) > max {
		return reasonf("编号过长（%d 字节，最多 %d）", len(v), max)
	} else if strings.ContainsRune(v, 0) {
		return reasonError("编号含有空字符")
	}
	return nil
}

// contentID is the key of a post or course whose export gives it no ID of
// its own: a hash of every content field of the normalised record (v, with
// its ID fields still empty). Equal keys therefore mean equal content, so
// re-importing a file finds every such record unchanged, and two rows that
// differ in any field (scraped exports repeat a title at an employer with
// other salaries, duties or requirements) are two records that never
// overwrite each other. An edited row becomes a new record: without an ID
// there is nothing to say it is the same post.
//
// Fields derived from the content by the classifiers (occupation, skills
// and certificates found in the text) are not hashed: they follow from the
// hashed fields, and leaving them out keeps keys stable when a classifier
// improves.
func contentID(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Posts and courses are plain data; Marshal cannot fail on them.
		panic(fmt.Sprintf("ingest: content key: %v", err))
	}
	sum := sha256.Sum256(b)
	return "h" + hex.EncodeToString(sum[:8])
}

// stableID hashes the fields that identify a record (a graduate's national
// ID) when the export has no id of its own.
func stableID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(normalize.Text(p)))
		h.Write([]byte{0})
	}
	return "h" + hex.EncodeToString(h.Sum(nil))[:16]
}

var (
	ageRange   = regexp.MustCompile(`(\d{1,3})\s*(?:岁)?\s*[-~—–至到]\s*(\d{1,3})`)
	ageNumber  = regexp.MustCompile(`\d{1,3}`)
	ageAtLeast = regexp.MustCompile(`(以上|及以上|起|\+)`)
)

// parseAge reads an age requirement: "35", "35岁以下", "35周岁及以下",
// "25-40岁", "18岁以上", "年龄不限".
func parseAge(s string) (min, max int, err error) {
	t := normalize.Text(s)
	if t == "" || strings.Contains(t, "不限") || t == "无" {
		return 0, 0, nil
	}
	if m := ageRange.FindStringSubmatch(t); m != nil {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		if a > b {
			a, b = b, a
		}
		return a, b, checkAge(a, b)
	}
	nums := ageNumber.FindAllString(t, -1)
	if len(nums) != 1 {
		return 0, 0, reasonf("年龄要求无法识别：'%s'，应为如 35、35岁以下、18-35岁 或 不限", clip(s))
	}
	n, _ := strconv.Atoi(nums[0])
	if ageAtLeast.MatchString(t) && !strings.Contains(t, "以下") {
		return n, 0, checkAge(n, 0)
	}
	return 0, n, checkAge(0, n)
}

func checkAge(min, max int) error {
	if min > 80 || max > 80 || (max > 0 && max < 16) {
		return reasonf("年龄要求不合理：%d-%d 岁", min, max)
	}
	return nil
}

// channelFromEmployerType infers a channel from 单位性质 when no channel is
// given: the plan counts 机关/事业单位 and 国企 posts in their own channels.
func channelFromEmployerType(t string) matcher.Channel {
	switch {
	case t == "":
		return matcher.ChannelSME
	case strings.Contains(t, "事业单位") || strings.Contains(t, "机关") || strings.Contains(t, "党政") || strings.Contains(t, "政府"):
		return matcher.ChannelPublicSector
	case strings.Contains(t, "国企") || strings.Contains(t, "国有") || strings.Contains(t, "央企"):
		return matcher.ChannelStateOwned
	}
	return matcher.ChannelSME
}

func mergeUnique(a []string, b ...string) []string {
	seen := make(map[string]bool, len(a)+len(b))
	out := a[:0:0]
	for _, s := range append(append([]string(nil), a...), b...) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}
