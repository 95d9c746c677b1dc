// Package occupation classifies job-post titles into the 2022 national
// occupational classification (CSCO 2022, 职业分类大典): a noisy title such as
// "🎈9k销售代表/不限经验/立即上岗" becomes 4-01-02-01 营销员.
//
// It owns the title cleaner (emoji, salary fragments, benefit brackets,
// "急招" and other recruiting noise, separators) and a curated table of the
// titles job boards actually use, mapped to occupation codes; together with
// the classification's own names and aliases (matcher/catalog) they form the
// dictionary. Classification is in two steps: the dictionary key that heads
// the title (the rightmost match, the longest when several end together, a
// generic key such as 开发工程师 only when nothing specific matches), then —
// when no key matches — character-bigram similarity to every name and alias.
//
// The package deliberately does not use the index's word segmenter: titles
// are short, the dictionary scan is faster than segmentation, and ingest must
// be able to classify without loading gse's dictionaries.
package occupation
