package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/urumqi-hrss/jobmatch/matcher"
	"github.com/urumqi-hrss/jobmatch/matcher/catalog"
)

// Run: go test ./index -run '^$' -bench . -benchtime 1x (IndexPosts, 25,000
// posts) or -benchtime 3s for the per-call benchmarks.

func BenchmarkLoadSegmenter(b *testing.B) {
	domain := DomainWords()
	b.ResetTimer()
	for b.Loop() {
		if _, err := NewSegmenter(dictZh, domain); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadCompiledDictionary is BenchmarkLoadSegmenter from the
// compiled form SetDictionaryCache keeps (dictcache.go), the file in the
// page cache. The key (hashing the text and the domain words) is counted.
func BenchmarkLoadCompiledDictionary(b *testing.B) {
	domain := DomainWords()
	s, err := NewSegmenter(dictZh, domain)
	if err != nil {
		b.Fatal(err)
	}
	lay, err := gseLayoutOf()
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), DictionaryCacheFile)
	if err := writeCompiledDictionary(path, s, lay, lay.key(dictZh, domain, "test")); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := readCompiledDictionary(path, lay, lay.key(dictZh, domain, "test")); err != nil {
			b.Fatal(err)
		}
	}
}

var benchFragments = []string{
	"负责公司日常财务核算与报表编制", "协助部门经理完成客户开发与维护工作", "熟练使用Office办公软件和Excel函数",
	"具有良好的沟通能力和团队合作精神", "能适应倒班及节假日值班", "持有C1驾照者优先", "有相关工作经验者优先考虑",
	"工作地点位于乌鲁木齐市天山区", "提供员工宿舍和工作餐", "缴纳五险一金，享受带薪年假", "试用期三个月，转正后薪资面议",
	"负责设备的日常巡检、维护和故障排除", "按照操作规程完成生产任务", "根据客户需求制定销售方案", "负责仓库货物的出入库管理",
	"参与软件系统的需求分析、设计与开发", "熟悉Java、Python或Go语言", "熟悉MySQL数据库和Linux操作系统", "做好患者的护理和健康宣教",
	"承担小学语文课程的教学工作", "负责社区居民的服务和网格化管理", "三支一扶计划服务期两年", "应届高校毕业生可报名",
	"就业见习期间按月发放见习补贴", "身体健康，吃苦耐劳，责任心强", "熟悉国家财税政策和会计准则", "能够使用维吾尔语和普通话交流",
	"配合完成领导交办的其他工作", "负责门店商品陈列与顾客接待", "年龄35周岁以下，本科及以上学历", "大专及以上学历，专业不限",
}

// benchPosts builds n posts with realistic titles (occupation names from
// the catalog) and descriptions of about 200 characters.
func benchPosts(n int) []matcher.Post {
	rng := rand.New(rand.NewPCG(1, 2))
	var titles []string
	for _, o := range catalog.Occupations() {
		if o.Level == 4 {
			titles = append(titles, o.Name)
		}
	}
	employers := []string{"新疆天山", "乌鲁木齐", "新疆西部", "米东", "新疆丝路", "博格达", "红山", "亚心"}
	suffix := []string{"科技有限公司", "商贸有限公司", "建设集团", "人民医院", "物流有限公司", "餐饮管理有限公司", "小学", "社区服务中心"}
	channels := matcher.Channels
	ps := make([]matcher.Post, n)
	for i := range ps {
		var d strings.Builder
		for d.Len() < 600 { // about 200 Chinese characters
			d.WriteString(benchFragments[rng.IntN(len(benchFragments))])
			d.WriteString("。")
		}
		dist := catalog.UrumqiDistricts[rng.IntN(len(catalog.UrumqiDistricts))].Name
		ps[i] = matcher.Post{
			ID: "bench:" + strconv.Itoa(i), Source: "bench", ExternalID: strconv.Itoa(i),
			Kind: matcher.KindJob, Channel: channels[rng.IntN(len(channels))],
			Title:       titles[rng.IntN(len(titles))],
			Employer:    employers[rng.IntN(len(employers))] + suffix[rng.IntN(len(suffix))],
			District:    dist,
			Description: d.String(),
			Majors:      []string{"会计学", "计算机科学与技术", "市场营销"}[:1+rng.IntN(3)],
			DegreeMin:   matcher.Degree(rng.IntN(5)),
			Headcount:   1 + rng.IntN(5), Status: matcher.PostOpen,
		}
		if i%20 == 0 {
			ps[i].Kind = matcher.KindInternship
		}
	}
	return ps
}

// BenchmarkTerms segments a 200-character description as Terms does when
// the memo does not have it (tokens with sub-words).
func BenchmarkTerms(b *testing.B) {
	s := segmenter(b)
	text := benchPosts(1)[0].Description
	text = string([]rune(text)[:200])
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		s.tokens(text, true)
	}
}

// BenchmarkTokenize is the index's tokenizer on the same text, as bleve
// calls it (no memo hit).
func BenchmarkTokenize(b *testing.B) {
	s := segmenter(b)
	text := []byte(string([]rune(benchPosts(1)[0].Description)[:200]))
	tok := tokenizer{s: s, subwords: true}
	b.SetBytes(int64(len(text)))
	c0 := cpuTime()
	for b.Loop() {
		tok.Tokenize(text)
	}
	// The machine is shared: CPU time per call measures the tokenizer, wall
	// time the neighbours too.
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkTokenizeGse is the first tokenizer, on gse.Segment
// (reference_test.go), for comparison.
func BenchmarkTokenizeGse(b *testing.B) {
	s := segmenter(b)
	text := []byte(string([]rune(benchPosts(1)[0].Description)[:200]))
	tok := refTokenizer{s}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		tok.Tokenize(text)
	}
}

// cpuTime returns the CPU time (user + system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS returns the process's peak resident set size in MiB (VmHWM).
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, ln := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(ln, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

func BenchmarkIndexPosts(b *testing.B) {
	const n = 25000
	posts := benchPosts(n)
	if _, err := DefaultSegmenter(); err != nil {
		b.Fatal(err)
	}
	batch, _ := strconv.Atoi(os.Getenv("JOBMATCH_BENCH_BATCH"))
	opts := DefaultOptions
	if batch > 0 {
		opts.BatchSize = batch
	}
	if os.Getenv("JOBMATCH_BENCH_SAFE") != "" {
		opts.UnsafeBatch = false
	}
	chunk, _ := strconv.Atoi(os.Getenv("JOBMATCH_BENCH_CHUNK")) // posts per IndexPosts call, as ingest would send
	if chunk <= 0 {
		chunk = n
	}
	b.ResetTimer()
	var elapsed, cpuUsed time.Duration
	var segments, mergeBytes uint64
	for b.Loop() {
		b.StopTimer()
		ix, err := OpenWith(b.TempDir(), opts)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t, c := time.Now(), cpuTime()
		for i := 0; i < n; i += chunk {
			if err := ix.IndexPostsAt(posts[i:min(i+chunk, n)], time.Now()); err != nil {
				b.Fatal(err)
			}
		}
		elapsed += time.Since(t)
		cpuUsed += cpuTime() - c
		b.StopTimer()
		if c, _ := ix.DocCount(); c != n {
			b.Fatalf("DocCount %d, want %d", c, n)
		}
		st, _ := ix.bi.StatsMap()["index"].(map[string]interface{})
		segments, _ = st["TotFileSegmentsAtRoot"].(uint64)
		merged, _ := st["TotFileMergeWrittenBytes"].(uint64)
		mergeBytes += merged
		ix.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "posts/s")
	// CPU seconds are what the work costs whatever else the shared machine
	// runs; on an idle 2-core machine posts/s approaches 2 × posts/cpu-s
	// when both cores are busy.
	b.ReportMetric(float64(n*b.N)/cpuUsed.Seconds(), "posts/cpu-s")
	b.ReportMetric(peakRSS(), "peak-RSS-MiB")
	// What scorch's merger wrote while the posts went in (merges still
	// running at the end are not counted), and the segments left then.
	b.ReportMetric(float64(mergeBytes)/float64(b.N)/(1<<20), "merged-MiB/op")
	b.ReportMetric(float64(segments), "segments")
}

func BenchmarkSearch(b *testing.B) {
	ix, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	if err := ix.IndexPostsAt(benchPosts(25000), time.Now()); err != nil {
		b.Fatal(err)
	}
	queries := []Query{
		{Text: "会计"},
		{Text: "Java开发 计算机科学与技术", Degree: matcher.DegreeBachelor},
		{Text: "五险一金 双休", District: "天山区"},
		{Channel: matcher.ChannelGrassroots, Limit: 50},
		{Text: "护士", Kind: matcher.KindJob, Offset: 20},
	}
	for _, q := range queries {
		b.Run(fmt.Sprintf("%q", q.Text+string(q.Channel)), func(b *testing.B) {
			for b.Loop() {
				if _, err := ix.Search(context.Background(), q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTokenizeShort is the tokenizer on the short fields every post
// has (employer, a major, a skill).
func BenchmarkTokenizeShort(b *testing.B) {
	s := segmenter(b)
	tok := tokenizer{s: s, subwords: true}
	texts := [][]byte{[]byte("新疆宏图物业集团有限公司"), []byte("会计学"), []byte("Excel"), []byte("计算机科学与技术")}
	for b.Loop() {
		for _, t := range texts {
			tok.Tokenize(t)
		}
	}
}
