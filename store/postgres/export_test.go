package postgres

// Internals the external tests (package postgres_test, which import
// pgtest, which imports this package) check directly.
var (
	Retryable = retryable
	Rounds    = rounds
	MigrateTo = migrateTo
)

// SetListPageSize sets runListPages' page for a test.
func SetListPageSize(n int) (restore func()) {
	old := listPageSize
	listPageSize = n
	return func() { listPageSize = old }
}
