package postgres

import "context"

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

// Setting is a setting of one of the store's sessions (SHOW name).
func Setting(s *Store, name string) (string, error) {
	var v string
	err := s.pool.QueryRow(context.Background(), "SHOW "+name).Scan(&v)
	return v, err
}
