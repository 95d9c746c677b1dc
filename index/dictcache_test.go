package index

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// compiledRoundTrip writes the text-loaded segmenter's dictionary to a
// file and reads it back.
func compiledRoundTrip(t *testing.T) (text, compiled *Segmenter, path string) {
	t.Helper()
	domain := DomainWords()
	text, err := NewSegmenter(dictZh, domain)
	if err != nil {
		t.Fatal(err)
	}
	lay, err := gseLayoutOf()
	if err != nil {
		t.Fatalf("gse's layout: %v", err)
	}
	key := lay.key(dictZh, domain, "test")
	path = filepath.Join(t.TempDir(), DictionaryCacheFile)
	if err := writeCompiledDictionary(path, text, lay, key); err != nil {
		t.Fatal(err)
	}
	compiled, err = readCompiledDictionary(path, lay, key)
	if err != nil {
		t.Fatal(err)
	}
	return text, compiled, path
}

func TestCompiledDictionaryMatchesText(t *testing.T) {
	text, compiled, _ := compiledRoundTrip(t)
	// DeepEqual follows the unexported fields: the trie's arrays, every
	// token's units, frequency and part of speech, the totals.
	if !reflect.DeepEqual(text.seg.Dict, compiled.seg.Dict) {
		t.Fatal("the compiled dictionary differs from the text-loaded one")
	}
	if text.seg.Dict.TotalFreq() != compiled.seg.Dict.TotalFreq() || text.seg.Dict.MaxTokenLen() != compiled.seg.Dict.MaxTokenLen() {
		t.Fatal("totals differ")
	}
	if !slices.Equal(text.info, compiled.info) || text.barrier != compiled.barrier {
		t.Fatal("the side table or the barrier bitmap differs")
	}
	if text.words != compiled.words || text.domain != compiled.domain || !compiled.fast || !compiled.FastPath() {
		t.Fatalf("words %d/%d, domain %d/%d, fast %v", text.words, compiled.words, text.domain, compiled.domain, compiled.fast)
	}
	for _, s := range segmentationCorpus(t) {
		if a, b := text.Cut(s), compiled.Cut(s); !slices.Equal(a, b) {
			t.Fatalf("Cut(%q): text-loaded %q, compiled %q", s, a, b)
		}
		if a, b := text.Terms(s), compiled.Terms(s); !slices.Equal(a, b) {
			t.Fatalf("Terms(%q): text-loaded %q, compiled %q", s, a, b)
		}
	}
	// gse.Segment itself (the fallback) runs on the compiled dictionary.
	compiled.gseReady()
	text.gseReady()
	for _, s := range []string{"计算机科学与技术专业", "会计学专业本科及以上学历，熟悉Java"} {
		if a, b := gseWords(text, s), gseWords(compiled, s); !slices.Equal(a, b) {
			t.Fatalf("gse.Segment(%q): text-loaded %q, compiled %q", s, a, b)
		}
	}
}

func gseWords(s *Segmenter, text string) []string {
	var out []string
	for _, sg := range s.seg.Segment([]byte(text)) {
		out = append(out, sg.Token().Text())
	}
	return out
}

func TestCompiledDictionaryRejectsDamage(t *testing.T) {
	_, _, path := compiledRoundTrip(t)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lay, err := gseLayoutOf()
	if err != nil {
		t.Fatal(err)
	}
	key := lay.key(dictZh, DomainWords(), "test")
	for name, b := range map[string][]byte{
		"flipped byte": func() []byte {
			b := slices.Clone(good)
			b[len(b)/2] ^= 0x40
			return b
		}(),
		"truncated":    good[:len(good)-100],
		"no checksum":  good[:len(good)-4],
		"header only":  good[:len(dictCacheMagic)+len(key)],
		"other format": append([]byte("jobmatch/gse-dictionary\x00\x00"), good[len(dictCacheMagic):]...),
	} {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := readCompiledDictionary(path, lay, key); err == nil {
			t.Errorf("%s: read without an error", name)
		}
	}
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	other := lay.key(dictZh, append(DomainWords(), "另一个词"), "test")
	if _, err := readCompiledDictionary(path, lay, other); !errors.Is(err, errOtherDictionary) {
		t.Errorf("another dictionary's file: %v", err)
	}
}

// TestDefaultLoadWritesThenReadsCompiled runs DefaultSegmenter's load with
// a cache directory: the first writes the file, the second reads it, a
// damaged file is reported, loaded from the text and written again.
func TestDefaultLoadWritesThenReadsCompiled(t *testing.T) {
	dir := t.TempDir()
	var logs bytes.Buffer
	SetDictionaryCache(dir, "", "test", slog.New(slog.NewTextHandler(&logs, nil)))
	t.Cleanup(func() { SetDictionaryCache("", "", "", nil) })
	domain := DomainWords()
	first, err := loadDefaultSegmenter(dictZh, domain)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, DictionaryCacheFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("no compiled dictionary written: %v", err)
	}
	second, err := loadDefaultSegmenter(dictZh, domain)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first.seg.Dict, second.seg.Dict) {
		t.Fatal("the second load's dictionary differs")
	}
	if fi2, _ := os.Stat(path); !fi2.ModTime().Equal(fi.ModTime()) {
		t.Error("the second load rewrote the file")
	}
	if logs.Len() != 0 {
		t.Errorf("logged on a clean load: %s", logs.String())
	}
	b, _ := os.ReadFile(path)
	b[len(b)-1] ^= 1
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	third, err := loadDefaultSegmenter(dictZh, domain)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "compiled dictionary not used") {
		t.Errorf("a damaged file was not reported: %q", logs.String())
	}
	if !slices.Equal(third.Cut("计算机科学与技术专业"), first.Cut("计算机科学与技术专业")) {
		t.Error("the text load after a damaged file cuts differently")
	}
	if _, err := readCompiledDictionary(path, mustLayout(t), mustLayout(t).key(dictZh, domain, "test")); err != nil {
		t.Errorf("the file was not written again: %v", err)
	}
	// Another build's file (other domain words): said at Info, replaced.
	logs.Reset()
	otherDomain := append(slices.Clone(domain), "另一个词")
	if _, err := loadDefaultSegmenter(dictZh, otherDomain); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "level=INFO") || !strings.Contains(logs.String(), "another build") || strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("another build's file: logged %q", logs.String())
	}
	if _, err := readCompiledDictionary(path, mustLayout(t), mustLayout(t).key(dictZh, otherDomain, "test")); err != nil {
		t.Errorf("another build's file was not replaced: %v", err)
	}
	// A directory that does not exist is not made for the file.
	SetDictionaryCache(filepath.Join(dir, "missing"), "", "test", nil)
	if _, err := loadDefaultSegmenter(dictZh, domain); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("a missing directory was made: %v", err)
	}
}

// TestSharedDictionaryCache: the first load writes the compiled form to
// the data directory and to the shared cache (made for it); a new data
// directory then reads the shared one without a copy or a log line; a
// shared cache that cannot be written costs nothing but the DEBUG line;
// a killed writer's old temporary file goes at the next write, a young
// one (a write under way) stays.
func TestSharedDictionaryCache(t *testing.T) {
	root := t.TempDir()
	first, shared := filepath.Join(root, "first"), filepath.Join(root, "user", "cache", "jobmatch")
	if err := os.Mkdir(first, 0o700); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	t.Cleanup(func() { SetDictionaryCache("", "", "", nil) })
	domain := DomainWords()
	SetDictionaryCache(first, shared, "test", log)
	text, err := loadDefaultSegmenter(dictZh, domain)
	if err != nil {
		t.Fatal(err)
	}
	lay := mustLayout(t)
	key := lay.key(dictZh, domain, "test")
	for _, dir := range []string{first, shared} {
		if _, err := readCompiledDictionary(filepath.Join(dir, DictionaryCacheFile), lay, key); err != nil {
			t.Errorf("%s: no compiled dictionary: %v", dir, err)
		}
	}
	if fi, err := os.Stat(shared); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the shared cache directory: %v, %v", fi, err)
	}

	fresh := filepath.Join(root, "fresh")
	if err := os.Mkdir(fresh, 0o700); err != nil {
		t.Fatal(err)
	}
	SetDictionaryCache(fresh, shared, "test", log)
	read, err := loadDefaultSegmenter(dictZh, domain)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(text.seg.Dict, read.seg.Dict) || !read.FastPath() {
		t.Fatal("the shared compiled dictionary differs from the text-loaded one")
	}
	if _, err := os.Stat(filepath.Join(fresh, DictionaryCacheFile)); !os.IsNotExist(err) {
		t.Errorf("read from the shared cache, the data directory got a copy: %v", err)
	}
	if logs.Len() != 0 {
		t.Errorf("logged reading the shared cache: %s", logs.String())
	}

	// Another build's shared file is not read: the text is loaded and
	// the shared file replaced by this build's.
	SetDictionaryCache(fresh, shared, "another build", log)
	if _, err := loadDefaultSegmenter(dictZh, domain); err != nil {
		t.Fatal(err)
	}
	other := lay.key(dictZh, domain, "another build")
	for _, dir := range []string{fresh, shared} {
		if _, err := readCompiledDictionary(filepath.Join(dir, DictionaryCacheFile), lay, other); err != nil {
			t.Errorf("%s: not written by the other build: %v", dir, err)
		}
	}

	// A data directory holding another build's file beside a shared
	// cache of this build's (a new binary, whose first command ran
	// elsewhere): the shared one is read, and the stale one removed so that
	// the next command does not find and report it again.
	SetDictionaryCache("", shared, "test", log)
	if _, err := loadDefaultSegmenter(dictZh, domain); err != nil {
		t.Fatal(err)
	}
	logs.Reset()
	SetDictionaryCache(fresh, shared, "test", log)
	for i := range 2 {
		s, err := loadDefaultSegmenter(dictZh, domain)
		if err != nil || !s.FastPath() {
			t.Fatalf("start %d beside a stale data directory file: %v", i, err)
		}
		if _, err := os.Stat(filepath.Join(fresh, DictionaryCacheFile)); !os.IsNotExist(err) {
			t.Errorf("start %d: another build's file was left in the data directory: %v", i, err)
		}
	}
	if n := strings.Count(logs.String(), "another build"); n != 1 {
		t.Errorf("another build's file reported %d times, want once: %s", n, logs.String())
	}
	logs.Reset()

	// A shared cache that cannot be made: the data directory still gets
	// its file, nothing above DEBUG is said.
	blocked := filepath.Join(root, "blocked")
	if err := os.WriteFile(blocked, []byte("a file, not a directory"), 0o600); err != nil {
		t.Fatal(err)
	}
	third := filepath.Join(root, "third")
	if err := os.Mkdir(third, 0o700); err != nil {
		t.Fatal(err)
	}
	SetDictionaryCache(third, filepath.Join(blocked, "jobmatch"), "test", log)
	if _, err := loadDefaultSegmenter(dictZh, domain); err != nil {
		t.Fatal(err)
	}
	if _, err := readCompiledDictionary(filepath.Join(third, DictionaryCacheFile), lay, key); err != nil {
		t.Errorf("the data directory's file beside an unwritable shared cache: %v", err)
	}
	if logs.Len() != 0 {
		t.Errorf("logged an unwritable shared cache: %s", logs.String())
	}

	// Temporary files: one a killed writer left an hour ago goes, one
	// of a write under way stays.
	stale, young := filepath.Join(shared, DictionaryCacheFile+".111"), filepath.Join(shared, DictionaryCacheFile+".222")
	for _, p := range []string{stale, young} {
		if err := os.WriteFile(p, []byte("half a file"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	SetDictionaryCache("", shared, "a third build", log)
	if _, err := loadDefaultSegmenter(dictZh, domain); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a killed writer's temporary file was left: %v", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("a young temporary file was removed: %v", err)
	}
}

func mustLayout(t *testing.T) *gseLayout {
	t.Helper()
	lay, err := gseLayoutOf()
	if err != nil {
		t.Fatal(err)
	}
	return lay
}
