// Package restarttest proves that store/postgres survives PostgreSQL
// restarting beneath it. It is a package of its own so that `go test` never
// runs it in parallel with store/postgres's other tests (packages run
// concurrently, but tests of one package only when they call t.Parallel);
// other packages' PostgreSQL tests may see the restart, and must cope — that
// is the point. It runs only with JOBMATCH_TEST_DATABASE set, pg_ctlcluster
// present and permission to use it (root here).
package restarttest
