package postgres

// Internals the external tests (package postgres_test, which import
// pgtest, which imports this package) check directly.
var (
	Retryable = retryable
	Rounds    = rounds
	MigrateTo = migrateTo
)
