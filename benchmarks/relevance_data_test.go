package benchmarks

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/ingest"
	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/ingest/sharedtest"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

// The development set of issue 8: real posts (read from ../shared, never
// copied), fresh-graduate profiles, a fixed dev / held-out split and graded
// judgments, all under testdata/relevance (see its GUIDE.md).
const (
	relDir          = "testdata/relevance"
	relMappingFile  = "../docs/mappings/job-hunting.json"
	relJudgmentFile = relDir + "/judgments.tsv"
	relSplitFile    = relDir + "/splits.tsv"
	splitDev        = "dev"
	splitHeldOut    = "heldout"
)

// relPostsFile is the real posts' export under the shared directory
// beside the repository (ingest/sharedtest finds it).
const relPostsFile = "data/jobs-real/job-hunting-2024-25.csv.gz"

// relNow is the decision time: the profiles graduate in 2025, and every
// post of the export was published before it.
var relNow = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)

// relProfile is one fresh-graduate profile of the development set.
type relProfile struct {
	id    string
	split string
	prof  convert.Profile
	grad  matcher.Graduate
}

// relJudgment is one graded (profile, post) pair; post is the export's
// 职位自编号.
type relJudgment struct {
	profile, post string
	grade         int
	note          string
	line          int
}

type relData struct {
	posts    []matcher.Post
	byExt    map[string]int // 职位自编号 → index in posts
	extOf    map[string]string
	profiles []*relProfile
	judged   map[string]map[string]int // profile → post → grade
	nJudged  int
	load     time.Duration
}

var (
	relOnce sync.Once
	relDS   *relData
	relErr  error
)

// loadRelData reads the real posts through the importer's reader and
// converter (ingest.ReadFile with the committed mapping, convert.PostFromRow),
// the profiles, the split and the judgments. It skips, naming the path,
// when the shared data is absent.
func loadRelData(tb testing.TB) *relData {
	tb.Helper()
	path := sharedtest.Path(tb, relPostsFile)
	relOnce.Do(func() { relDS, relErr = readRelData(path) })
	if relErr != nil {
		tb.Fatal(relErr)
	}
	return relDS
}

func readRelData(postsPath string) (*relData, error) {
	t0 := time.Now()
	m, err := ingest.LoadMapping(relMappingFile)
	if err != nil {
		return nil, err
	}
	if err := m.Validate(ingest.EntityPosts); err != nil {
		return nil, err
	}
	tbl, err := ingest.ReadFile(postsPath, ingest.EntityPosts, m)
	if err != nil {
		return nil, err
	}
	if len(tbl.RowErrors) > 0 {
		return nil, fmt.Errorf("%s: %d rows unreadable, first: %+v", postsPath, len(tbl.RowErrors), tbl.RowErrors[0])
	}
	d := &relData{byExt: map[string]int{}, extOf: map[string]string{}}
	for _, r := range tbl.Rows {
		p, errs := convert.PostFromRow(r)
		if len(errs) > 0 {
			return nil, fmt.Errorf("%s line %d rejected: %+v", postsPath, r.Line, errs)
		}
		if _, dup := d.byExt[p.ExternalID]; dup {
			return nil, fmt.Errorf("%s line %d: 职位自编号 %s repeats", postsPath, r.Line, p.ExternalID)
		}
		d.byExt[p.ExternalID] = len(d.posts)
		d.extOf[p.ID] = p.ExternalID
		d.posts = append(d.posts, p)
	}
	if d.profiles, err = readRelProfiles(); err != nil {
		return nil, err
	}
	js, err := readJudgments(relJudgmentFile)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, p := range d.profiles {
		ids[p.id] = true
	}
	d.judged = map[string]map[string]int{}
	for _, j := range js {
		if !ids[j.profile] {
			return nil, fmt.Errorf("%s:%d: unknown profile %q", relJudgmentFile, j.line, j.profile)
		}
		if _, ok := d.byExt[j.post]; !ok {
			return nil, fmt.Errorf("%s:%d: post %q is not in %s", relJudgmentFile, j.line, j.post, postsPath)
		}
		if d.judged[j.profile] == nil {
			d.judged[j.profile] = map[string]int{}
		}
		d.judged[j.profile][j.post] = j.grade
		d.nJudged++
	}
	d.load = time.Since(t0)
	return d, nil
}

// readRelProfiles reads every profiles/*.json through convert.DecodeProfile
// (the reader of `jobmatch recommend --profile`) and its split.
func readRelProfiles() ([]*relProfile, error) {
	split, err := readSplits(relSplitFile)
	if err != nil {
		return nil, err
	}
	files, err := filepath.Glob(filepath.Join(relDir, "profiles", "*.json"))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	var out []*relProfile
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		pr, err := convert.DecodeProfile(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		g, err := pr.Graduate(relNow)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		id := strings.TrimSuffix(filepath.Base(f), ".json")
		g.ID = id
		s, ok := split[id]
		if !ok {
			return nil, fmt.Errorf("%s: profile %s has no split in %s", f, id, relSplitFile)
		}
		delete(split, id)
		out = append(out, &relProfile{id: id, split: s, prof: pr, grad: g})
	}
	for id := range split {
		return nil, fmt.Errorf("%s: profile %s has no file under %s/profiles", relSplitFile, id, relDir)
	}
	return out, nil
}

// readTSV calls each with the fields of every line but the header and
// comments (#), naming file and line in errors.
func readTSV(path string, header []string, each func(line int, f []string) error) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	n := 0
	for sc.Scan() {
		n++
		s := sc.Text()
		if strings.HasPrefix(s, "#") || strings.TrimSpace(s) == "" {
			continue
		}
		f := strings.Split(s, "\t")
		if f[0] == header[0] {
			if !slices.Equal(f, header) {
				return fmt.Errorf("%s:%d: header %q, want %q", path, n, f, header)
			}
			continue
		}
		if err := each(n, f); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return sc.Err()
}

func readSplits(path string) (map[string]string, error) {
	out := map[string]string{}
	err := readTSV(path, []string{"profile_id", "split"}, func(_ int, f []string) error {
		if len(f) != 2 || (f[1] != splitDev && f[1] != splitHeldOut) {
			return fmt.Errorf("want profile_id<TAB>dev|heldout, got %q", f)
		}
		if _, dup := out[f[0]]; dup {
			return fmt.Errorf("profile %s listed twice", f[0])
		}
		out[f[0]] = f[1]
		return nil
	})
	return out, err
}

var judgmentHeader = []string{"profile_id", "post_id", "grade", "note"}

// readJudgments reads judgments.tsv: profile_id, post_id, grade (0, 1, 2),
// note (may be empty). A pair judged twice is an error: one judge, one grade.
func readJudgments(path string) ([]relJudgment, error) {
	var out []relJudgment
	seen := map[[2]string]int{}
	err := readTSV(path, judgmentHeader, func(line int, f []string) error {
		if len(f) < 3 || len(f) > 4 {
			return fmt.Errorf("want 3 or 4 tab-separated fields, got %d", len(f))
		}
		g, err := strconv.Atoi(f[2])
		if err != nil || g < 0 || g > 2 {
			return fmt.Errorf("grade %q: want 0, 1 or 2", f[2])
		}
		k := [2]string{f[0], f[1]}
		if l, dup := seen[k]; dup {
			return fmt.Errorf("pair %s %s already judged at line %d", f[0], f[1], l)
		}
		seen[k] = line
		j := relJudgment{profile: f[0], post: f[1], grade: g, line: line}
		if len(f) == 4 {
			j.note = f[3]
		}
		out = append(out, j)
		return nil
	})
	return out, err
}

// --- rankers ---------------------------------------------------------------

// relRanker ranks the posts for a profile: the first n 职位自编号.
type relRanker struct {
	name, what string
	rank       func(p *relProfile, n int) ([]string, error)
}

// bm25Query is the baseline's query text: the profile's major, skills and
// certificates as the graduate wrote them, space-separated.
func bm25Query(p *relProfile) string {
	parts := append([]string{p.grad.Major}, p.grad.Skills...)
	return strings.Join(append(parts, p.grad.Certificates...), " ")
}

// plainPosts are the posts as a plain text search sees them: the text the
// employer wrote (title, employer, description, the majors column) and
// nothing jobmatch derived from it (occupation, skills and certificates
// found by its classifiers), so the baseline does not move when those
// improve. titleOnly also drops the description.
func plainPosts(posts []matcher.Post, titleOnly bool) []matcher.Post {
	out := make([]matcher.Post, len(posts))
	for i, p := range posts {
		p.Occupation, p.Skills, p.Certificates = "", nil, nil
		if titleOnly {
			p.Description = ""
		}
		out[i] = p
	}
	return out
}

// bm25Ranker indexes posts in a bleve index on disk (the project's index
// package: gse analyzer, its field boosts) and searches bm25Query with no
// filter: a plain text search, as a person would type it.
func bm25Ranker(tb testing.TB, d *relData, name, what string, posts []matcher.Post) relRanker {
	tb.Helper()
	ix, err := index.Open(filepath.Join(tb.TempDir(), name))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	ix.Now = func() time.Time { return relNow }
	if err := ix.IndexPostsAt(posts, relNow); err != nil {
		tb.Fatal(err)
	}
	return relRanker{name: name, what: what, rank: func(p *relProfile, n int) ([]string, error) {
		res, err := ix.Search(context.Background(), index.Query{Text: bm25Query(p), Limit: n})
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(res.Hits))
		for _, h := range res.Hits {
			out = append(out, d.extOf[h.ID])
		}
		return out, nil
	}}
}

// engineRanker asks an engine for the profile's list as a portal would
// (Recommend, default per-employer cap; the profiles name no preferred
// channel, so no channel mix applies). The list is prefix-stable, so its
// first 8 are what a request for 8 returns.
func engineRanker(d *relData, name, what string, eng *engine.Engine) relRanker {
	return relRanker{name: name, what: what, rank: func(p *relProfile, n int) ([]string, error) {
		res, err := eng.Recommend(&p.grad, matcher.Query{Limit: n})
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(res.Items))
		for _, it := range res.Items {
			out = append(out, d.extOf[it.PostID])
		}
		return out, nil
	}}
}
