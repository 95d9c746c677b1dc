// Package pgtest gives any package's tests a PostgreSQL store of their own:
// URL reads JOBMATCH_TEST_DATABASE (skipping the test, naming the
// variable, when it is unset — or failing it when JOBMATCH_REQUIRE_DB=1,
// as .ci/run sets), Schema creates a schema per test (jm_test_<random>,
// dropped when the test ends) so tests run in parallel on one database,
// and Open returns a migrated store in it, closed when the test ends.
//
// It lives apart from store/postgres so that the shipped binary does not
// link the testing package (`go list -deps ./cmd/jobmatch` has no
// "testing").
package pgtest
