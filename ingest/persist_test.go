package ingest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/urumqi-hrss/jobmatch/index"
	"github.com/urumqi-hrss/jobmatch/matcher"
)

// persistLog is the real index with a record of the calls an import makes
// of it; Persist fails once with failPersist when that is set.
type persistLog struct {
	*index.Index
	mu          sync.Mutex
	calls       []string
	failPersist error
}

func (p *persistLog) note(call string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, call)
}

func (p *persistLog) IndexPosts(ps []matcher.Post) error {
	p.note("IndexPosts")
	return p.Index.IndexPosts(ps)
}

func (p *persistLog) IndexPostsUnpersisted(ps []matcher.Post) error {
	p.note("IndexPostsUnpersisted")
	return p.Index.IndexPostsUnpersisted(ps)
}

func (p *persistLog) Persist() error {
	p.note("Persist")
	if err := p.failPersist; err != nil {
		p.failPersist = nil
		return err
	}
	return p.Index.Persist()
}

// takeCalls returns the calls so far and forgets them.
func (p *persistLog) takeCalls() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.calls
	p.calls = nil
	return c
}

// TestImportPersistsTheIndexOnce: an import into an index that can defer
// persistence writes every chunk unpersisted and persists once, after the
// last write and before the import is finished; when that persist fails
// the import is interrupted, not finished, and running it again indexes
// the committed posts again and ends as an uninterrupted import does.
func TestImportPersistsTheIndexOnce(t *testing.T) {
	files := resumeInput(t)[EntityPosts]
	ctx := context.Background()
	seg, err := index.DefaultSegmenter()
	if err != nil {
		t.Fatal(err)
	}
	refStore, refIx := importBackends[0].open(t), openIndex(t)
	ref, err := runImport(t, ctx, refStore, refIx, EntityPosts, files, 60, nil)
	if err != nil {
		t.Fatal(err)
	}

	st := importBackends[0].open(t)
	ix := &persistLog{Index: openIndex(t), failPersist: errKilled}
	im := &Importer{Store: st, Index: ix, Analyzer: seg, ChunkSize: 60}
	if _, err := im.Import(ctx, EntityPosts, files); !errors.Is(err, errKilled) || !strings.Contains(err.Error(), "写入索引") {
		t.Fatalf("import whose index persist failed: err %v, want the persist's error, as an index write's", err)
	}
	checkCalls := func(run string, calls []string) {
		t.Helper()
		writes := slices.Index(calls, "Persist")
		if writes < 2 || writes != len(calls)-1 || slices.Contains(calls[:writes], "IndexPosts") {
			t.Fatalf("%s: index calls %v, want several IndexPostsUnpersisted and then one Persist", run, calls)
		}
	}
	checkCalls("first run", ix.takeCalls())

	rep, err := im.Import(ctx, EntityPosts, files)
	if err != nil {
		t.Fatalf("the same import again: %v", err)
	}
	checkCalls("resumed run", ix.takeCalls())
	if counts(rep) != counts(ref) {
		t.Errorf("resumed import: %s, uninterrupted: %s", counts(rep), counts(ref))
	}
	diffSnapshots(t, "resumed after a failed persist", takeSnapshot(t, st, ix.Index), takeSnapshot(t, refStore, refIx))
}
