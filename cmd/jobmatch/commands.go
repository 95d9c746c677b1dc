package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/ingest"
	"github.com/urumqi-hrss/jobmatch/ingest/convert"
	"github.com/urumqi-hrss/jobmatch/ingest/normalize"
	"github.com/urumqi-hrss/jobmatch/ingest/occupation"
	"github.com/urumqi-hrss/jobmatch/ingest/synth"
	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/engine"
)

func (m *Main) cmdGen(ctx context.Context, args []string) error {
	fs := m.flags("gen")
	out := fs.String("out", "", "directory to write posts.csv, courses.csv and graduates.csv into (required)")
	o := synth.DefaultOptions()
	fs.Int64Var(&o.Seed, "seed", o.Seed, "random seed: the same seed gives the same files")
	fs.IntVar(&o.Posts, "posts", o.Posts, "number of posts")
	fs.IntVar(&o.Graduates, "graduates", o.Graduates, "number of graduates")
	fs.IntVar(&o.Courses, "courses", o.Courses, "number of courses")
	fs.IntVar(&o.Internships, "internships", -1, "number of internships among the posts (default: the plan's share of --posts)")
	_, err := m.parse(fs, args)
	if err != nil {
		return err
	}
	o.Internships = scaledInternships(o.Internships, o.Posts)
	if *out == "" {
		return &usageError{"gen: --out DIR is required"}
	}
	if m.NowFlag != "" {
		o.Now = m.Now().Truncate(24 * time.Hour)
	}
	bar := m.newProgress("generating", "rows")
	o.Progress = bar.report()
	if o.Policy, err = m.Policy(); err != nil {
		return err
	}
	start := time.Now()
	err = synth.Generate(*out, o)
	bar.finish()
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	m.Log.Info("generated", "dir", *out, "seed", o.Seed, "posts", o.Posts, "courses", o.Courses, "graduates", o.Graduates, "reference_date", o.Now.Format(time.DateOnly), "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

func (m *Main) cmdIngest(ctx context.Context, args []string) error {
	fs := m.flags("ingest")
	mapFile := fs.String("map", "", "column mapping file (JSON) for an export whose headers are not recognised")
	errFile := fs.String("errors", "", "write rejected rows (file, line, column, reason) to this CSV file")
	quiet := fs.Bool("quiet", false, "no progress bar")
	pos, err := m.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return &usageError{"ingest: want posts|courses|graduates and at least one FILE"}
	}
	entity, files := pos[0], pos[1:]
	switch entity {
	case "posts", "courses", "graduates":
	default:
		return &usageError{fmt.Sprintf("ingest: unknown kind %q: want posts, courses or graduates", entity)}
	}
	rep, err := func() (*matcher.ImportReport, error) {
		defer startHeapFloor(m.Log, ingestHeapFloor, ingestGCPercent)()
		return m.ingest(ctx, entity, files, *mapFile, !*quiet, false)
	}()
	if rep != nil && *errFile != "" {
		if werr := writeErrors(*errFile, rep.Errors); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		return err
	}
	if rep.Rejected > 0 {
		for i, e := range rep.Errors {
			if i == 10 {
				fmt.Fprintf(m.Stderr, "… and %d more (use --errors FILE for all)\n", len(rep.Errors)-10)
				break
			}
			fmt.Fprintln(m.Stderr, ingest.FormatRowError(e))
		}
		return &exitError{code: exitRejected}
	}
	return nil
}

// ingest imports files into the store and the index and prints the summary
// line (stdout) and the import's warnings (stderr). With skipDone an import
// whose input was the last finished import of the entity, as of the same
// day, is not run again: its earlier summary is printed as "already
// imported".
func (m *Main) ingest(ctx context.Context, entity string, files []string, mapFile string, progress, skipDone bool) (*matcher.ImportReport, error) {
	var mp *ingest.Mapping
	if mapFile != "" {
		var err error
		if mp, err = ingest.LoadMapping(mapFile); err != nil {
			return nil, err
		}
	}
	var read func(string, string, *ingest.Mapping) (*ingest.Table, error)
	if !skipDone {
		// The first file is parsed, and the occupation classifier built,
		// while the store opens and the index loads the dictionary.
		read = readAhead(files[0], entity, mp)
		go occupation.Default()
	}
	st, err := m.openStore(ctx)
	if err != nil {
		return nil, err
	}
	ix, err := m.openIndex()
	if err != nil {
		return nil, err
	}
	im := &ingest.Importer{Store: st, Index: ix, Log: m.Log, Now: m.Now, Map: mp, Read: read,
		Finished: &ingest.FinishedImports{Path: filepath.Join(m.DataDir, "imports.json")}}
	ix.Now = m.Now
	if skipDone && m.indexed(entity, ix) {
		rep, done, err := im.AlreadyImported(ctx, entity, files)
		if err != nil {
			return nil, err
		}
		if done {
			fmt.Fprintf(m.Stdout, "%s already imported (import %s, %s): %s\n", entity, rep.ID,
				rep.FinishedAt.Format(time.DateTime), ingest.Summary(rep))
			return rep, nil
		}
	}
	seg, err := m.segmenter()
	if err != nil {
		return nil, err
	}
	im.Analyzer = seg
	var kept *keptTerms
	var indexed *indexedPosts
	if entity == ingest.EntityPosts {
		kept = newKeptTerms(seg)
		im.Analyzer = kept
		if indexed = m.watchIndexedPosts(ctx, st, ix); indexed != nil {
			im.Index = indexed
		}
	}
	var bar *progressBar
	if progress {
		bar = m.newProgress(entity, "rows")
		im.Progress, im.Log = bar.report(), bar.logger(m.Log)
	}
	rep, err := im.Import(ctx, entity, files)
	bar.finish()
	if kept != nil && err == nil {
		m.saveEngineTerms(ctx, st, kept, indexed, progress)
	}
	if rep != nil {
		fmt.Fprintln(m.Stdout, ingest.Summary(rep))
		for _, w := range rep.Warnings {
			fmt.Fprintln(m.Stderr, "jobmatch: warning:", w)
		}
	}
	return rep, err
}

// indexed reports whether the search index can hold entity's earlier
// import: graduates are not indexed, and an empty index (deleted, or
// never written) means posts and courses must be imported again.
func (m *Main) indexed(entity string, ix *index.Index) bool {
	if entity == ingest.EntityGraduates {
		return true
	}
	n, err := ix.DocCount()
	return err == nil && n > 0
}

func writeErrors(path string, errs []matcher.RowError) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("errors report: %w", err)
	}
	if err := ingest.WriteErrorsCSV(f, errs); err != nil {
		f.Close()
		return fmt.Errorf("errors report %s: %w", path, err)
	}
	return f.Close()
}

func (m *Main) cmdSearch(ctx context.Context, args []string) error {
	fs := m.flags("search")
	var q index.Query
	channel := fs.String("channel", "", "only this channel (public_sector, state_owned, sme, grassroots, military, self_employed or its Chinese name)")
	fs.StringVar(&q.District, "district", "", "only this district")
	degree := fs.String("degree", "", "the searcher's degree: only posts it qualifies for (本科, 大专 …)")
	kind := fs.String("kind", "", "job or internship")
	fs.StringVar(&q.Type, "type", "post", "post or course")
	fs.IntVar(&q.Limit, "limit", 10, "results per page")
	fs.IntVar(&q.Offset, "offset", 0, "results to skip")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := m.parse(fs, args)
	if err != nil {
		return err
	}
	q.Text = strings.Join(pos, " ")
	if *channel != "" {
		if q.Channel, err = normalize.Channel(*channel); err != nil {
			return &usageError{"search --channel: " + err.Error()}
		}
	}
	if *degree != "" {
		if q.Degree, err = normalize.Degree(*degree); err != nil {
			return &usageError{"search --degree: " + err.Error()}
		}
	}
	if *kind != "" {
		if q.Kind, err = normalize.Kind(*kind); err != nil {
			return &usageError{"search --kind: " + err.Error()}
		}
	}
	if q.District != "" {
		q.District = normalize.District(q.District)
	}
	ix, err := m.openIndex()
	if err != nil {
		return err
	}
	res, err := ix.Search(ctx, q)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, res)
	}
	fmt.Fprintf(m.Stdout, "%d results (%s)\n", res.Total, res.Took.Round(time.Microsecond))
	rows := make([][]string, 0, len(res.Hits))
	for i, h := range res.Hits {
		where := h.Channel.Chinese()
		if h.Type == index.TypeCourse {
			where = "培训课程"
		}
		rows = append(rows, []string{strconv.Itoa(q.Offset + i + 1), fmt.Sprintf("%.3f", h.Score), h.ID, h.Title, h.Employer, h.District, where})
	}
	if err := writeTable(m.Stdout, rows); err != nil {
		return err
	}
	for _, name := range []string{"channel", "district", "kind"} {
		var parts []string
		for _, f := range res.Facets[name] {
			parts = append(parts, fmt.Sprintf("%s %d", facetTerm(name, f.Term), f.Count))
		}
		if len(parts) > 0 {
			fmt.Fprintf(m.Stdout, "%s：%s\n", facetNames[name], strings.Join(parts, "、"))
		}
	}
	return nil
}

// facetNames are the search facets as the rows above them name them.
var facetNames = map[string]string{"channel": "渠道", "district": "区域", "kind": "类别"}

// facetTerm is a facet's term in Chinese, like the rows: channels and
// kinds are codes in the index (sme, internship).
func facetTerm(facet, term string) string {
	switch facet {
	case "channel":
		if zh := matcher.Channel(term).Chinese(); zh != "" {
			return zh
		}
	case "kind":
		if zh, ok := kindNames[matcher.Kind(term)]; ok {
			return zh
		}
	}
	return term
}

var kindNames = map[matcher.Kind]string{matcher.KindJob: "岗位", matcher.KindInternship: "就业见习", matcher.KindCourse: "培训课程"}

func (m *Main) cmdReindex(ctx context.Context, args []string) error {
	fs := m.flags("reindex")
	if _, err := m.parse(fs, args); err != nil {
		return err
	}
	st, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	ix, err := m.openIndex()
	if err != nil {
		return err
	}
	start := time.Now()
	if err := ix.Rebuild(ctx, st, m.Now()); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	n, _ := ix.DocCount()
	m.Log.Info("reindexed", "documents", n, "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

func (m *Main) cmdAnalyze(ctx context.Context, args []string) error {
	fs := m.flags("analyze")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := m.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return &usageError{"analyze: want TEXT"}
	}
	toks, err := index.Analyze(strings.Join(pos, " "))
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, map[string]any{"tokens": toks})
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "POSITION\tSTART\tEND\tTOKEN")
	for _, t := range toks {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%s\n", t.Position, t.Start, t.End, t.Term)
	}
	return tw.Flush()
}

func (m *Main) cmdSegment(ctx context.Context, args []string) error {
	fs := m.flags("segment")
	file := fs.String("file", "", "segment every line of this file (- for standard input)")
	pos, err := m.parse(fs, args)
	if err != nil {
		return err
	}
	lines := pos
	if *file != "" {
		if lines, err = m.readLines(*file); err != nil {
			return err
		}
	} else if len(pos) == 0 {
		if lines, err = m.readLines("-"); err != nil {
			return err
		}
	}
	seg, err := m.segmenter()
	if err != nil {
		return err
	}
	for _, line := range lines {
		var words []string
		for _, w := range seg.Cut(line) {
			if w = strings.TrimSpace(w); w != "" {
				words = append(words, w)
			}
		}
		fmt.Fprintln(m.Stdout, strings.Join(words, " "))
	}
	return nil
}

// engineOptions is how every command builds the matching engine: the
// index's gse analyzer, the policy, and the command's decision time.
func (m *Main) engineOptions() (engine.Options, error) {
	seg, err := m.segmenter()
	if err != nil {
		return engine.Options{}, err
	}
	pol, err := m.Policy()
	if err != nil {
		return engine.Options{}, err
	}
	return engine.Options{Analyzer: seg, Policy: pol, Now: m.Now()}, nil
}

// loadEngine builds the matching engine over every open post and course
// (engine.Load, the loader the nightly batch uses too).
func (m *Main) loadEngine(ctx context.Context) (*engine.Engine, error) {
	hugeHeap(m.Log, engineHugeHeap)
	st, err := m.openStore(ctx)
	if err != nil {
		return nil, err
	}
	// The segmenter loads its dictionary while the open posts are read:
	// a few tenths of a second each, on two cores at once.
	go index.DefaultSegmenter()
	useVectors := m.openVectorCache()
	useTerms := m.openTermCacheLazily() // only a build without its vectors asks
	src, err := readOpenPosts(ctx, st, m.Now())
	if err != nil {
		return nil, err
	}
	eo, err := m.engineOptions()
	if err != nil {
		return nil, err
	}
	eo.Now = src.at // one decision time for the posts read and the engine
	bar := m.newProgress("building the matching engine", "posts")
	eo.Progress = bar.report()
	saveTerms := useTerms(&eo)
	saveVectors := useVectors(&eo)
	start := time.Now()
	snap, err := engine.Load(ctx, src, eo)
	bar.finish()
	if err != nil {
		return nil, err
	}
	saveTerms()
	saveVectors()
	m.Log.Info("matching engine ready", "posts", len(snap.Posts), "courses", len(snap.Courses), "elapsed", time.Since(start).Round(time.Millisecond))
	return snap.Engine, nil
}

func (m *Main) cmdRecommend(ctx context.Context, args []string) error {
	fs := m.flags("recommend")
	gid := fs.String("graduate", "", "a stored graduate's id")
	profile := fs.String("profile", "", "a JSON profile file of a graduate who is not stored (no personal data needed)")
	var q matcher.Query
	fs.IntVar(&q.Limit, "limit", 8, "how many items")
	channel := fs.String("channel", "", "only this channel")
	kind := fs.String("kind", "", "job, internship or course (default: jobs and internships)")
	fs.BoolVar(&q.ExplainExclusions, "explain-exclusions", false, "list which rule excluded which post")
	asJSON := fs.Bool("json", false, "print JSON")
	server := fs.String("server", os.Getenv("JOBMATCH_SERVER"), "ask the jobmatch server at this URL (API key in JOBMATCH_API_KEY) instead of building the matching engine here")
	local := fs.Bool("local", false, "build the matching engine in this process even when a server runs on this data directory: every open post is read and compiled, over a second on the generated 25,000 posts (about 2 CPU-seconds when the data directory's caches hold the open posts' vectors, 3 after the posts changed, twice that without the term cache), where a running server answers in milliseconds")
	if _, err := m.parse(fs, args); err != nil {
		return err
	}
	if (*gid == "") == (*profile == "") {
		return &usageError{"recommend: want exactly one of --graduate ID or --profile FILE"}
	}
	if *server != "" && (*local || q.ExplainExclusions) {
		return &usageError{"recommend --server: not with --local or --explain-exclusions (the API does not list exclusions)"}
	}
	var err error
	if *channel != "" {
		if q.Channel, err = normalize.Channel(*channel); err != nil {
			return &usageError{"recommend --channel: " + err.Error()}
		}
	}
	switch *kind {
	case "", "job", "internship", "course":
		q.Kind = matcher.Kind(*kind)
	default:
		return &usageError{fmt.Sprintf("recommend --kind %q: want job, internship or course", *kind)}
	}
	var c *keyAPI
	if !*local && !q.ExplainExclusions {
		if c, err = m.recommendServer(*server); err != nil {
			return err
		}
	}
	var g *matcher.Graduate
	var res *matcher.Result
	if c != nil {
		if *profile != "" {
			if g, err = m.recommendFor(ctx, "", *profile); err != nil {
				return err
			}
		}
		g, res, err = m.recommendThrough(ctx, c, *gid, *profile, g, q)
	} else {
		g, res, err = m.recommendHere(ctx, *gid, *profile, q)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m.Stdout, res)
	}
	m.printRecommendations(g, res)
	return nil
}

// recommendHere builds the matching engine in this process and ranks.
func (m *Main) recommendHere(ctx context.Context, id, profile string, q matcher.Query) (*matcher.Graduate, *matcher.Result, error) {
	g, err := m.recommendFor(ctx, id, profile)
	if err != nil {
		return nil, nil, err
	}
	e, err := m.loadEngine(ctx)
	if err != nil {
		return nil, nil, err
	}
	res, err := e.Recommend(g, q)
	return g, res, err
}

func writeJSON(w interface{ Write([]byte) (int, error) }, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// scaledInternships keeps the default data set's share of internships when
// only the number of posts is given (n < 0 means "not given").
func scaledInternships(n, posts int) int {
	if n >= 0 {
		return n
	}
	d := synth.DefaultOptions()
	return d.Internships * posts / d.Posts
}

// segmenter is the process-wide gse segmenter, reporting to the command's
// log: once here when it could not use its own shortest-path pass, and
// through SetLogger should a text fall back to gse.Segment later.
func (m *Main) segmenter() (*index.Segmenter, error) {
	seg, err := index.DefaultSegmenter()
	if err != nil {
		return nil, err
	}
	seg.SetLogger(m.Log)
	if !seg.FastPath() {
		m.Log.Warn("segmenter: gse's dictionary is not laid out as expected; segmenting through gse.Segment (slower, same words)")
	}
	return seg, nil
}

// recommendFor is the graduate `jobmatch recommend` ranks for: a stored one
// by ID, or a profile file (no personal data needed).
func (m *Main) recommendFor(ctx context.Context, id, profile string) (*matcher.Graduate, error) {
	if profile == "" {
		st, err := m.openStore(ctx)
		if err != nil {
			return nil, err
		}
		return st.Graduate(ctx, id)
	}
	b, err := os.ReadFile(profile)
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	p, err := convert.DecodeProfile(b)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", profile, err)
	}
	g, notes, err := p.GraduateNotes(m.Now())
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", profile, err)
	}
	// The profile is accepted whatever its major; what was inferred or not
	// found is said, on stderr so that --json output stays parseable.
	for _, n := range notes {
		fmt.Fprintf(m.Stderr, "注：%s\n", n)
	}
	return &g, nil
}

// printRecommendations writes a result for people: each item with its
// reasons, then the exclusions per rule.
func (m *Main) printRecommendations(g *matcher.Graduate, res *matcher.Result) {
	fmt.Fprintf(m.Stdout, "毕业生 %s：%s %s %s\n", g.ID, g.School, g.Major, g.Degree.Chinese())
	for _, it := range res.Items {
		where := it.Channel.Chinese()
		if it.Kind == matcher.KindCourse {
			where = "培训课程"
		} else if it.Kind == matcher.KindInternship {
			where += "，就业见习"
		}
		fmt.Fprintf(m.Stdout, "%d. [%.3f] %s — %s（%s，%s）\n", it.Rank, it.Score, it.Title, it.Employer, it.District, where)
		for _, r := range it.Reasons {
			fmt.Fprintf(m.Stdout, "     · %s\n", r)
		}
	}
	if len(res.Excluded) > 0 {
		var parts []string
		for rule, n := range res.Excluded {
			parts = append(parts, fmt.Sprintf("%s %d", rule, n))
		}
		fmt.Fprintf(m.Stdout, "excluded: %s\n", strings.Join(slices.Sorted(slices.Values(parts)), ", "))
	}
	for _, x := range res.Exclusions {
		fmt.Fprintf(m.Stdout, "  %s\t%s\t%s\n", x.PostID, x.Rule, x.Message)
	}
}
