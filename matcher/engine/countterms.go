package engine

import "github.com/urumqi-hrss/jobmatch/matcher"

// CountTerms gives ts the term counts an engine build over posts would ask
// it for, cutting with an only the posts whose texts ts lacks, on every
// core. An import calls it after writing posts, so that the next build
// (`jobmatch recommend --local`, the batch, a starting server) finds every
// post cut already instead of paying for the cut itself. The counts are
// the build's own (postTermCounts, the same key), so a build from them
// answers exactly as one that cut the texts. progress, if set, hears how
// many posts are done.
func CountTerms(posts []matcher.Post, an matcher.Analyzer, ts TermStore, progress func(done, total int)) {
	if an == nil {
		an = BigramAnalyzer{}
	}
	e := &Engine{an: an, terms: ts, progress: progress}
	last := make(map[string]int, len(posts))
	for i := range posts {
		last[posts[i].ID] = i // the later copy wins, as in build
	}
	e.segmentPosts(posts, last, false) // the store keeps them; no second copy here
}
