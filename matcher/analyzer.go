package matcher

// Analyzer turns text into the terms the search index uses for it. The
// index package's gse analyzer implements it; the matcher uses it for text
// relevance and near-duplicate detection without importing the index.
type Analyzer interface {
	Terms(text string) []string
}
