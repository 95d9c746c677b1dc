// Package restarttest proves that store/postgres survives PostgreSQL
// restarting beneath it. It is a package of its own so that `go test` never
// runs it in parallel with store/postgres's other tests (packages run
// concurrently, but tests of one package only when they call t.Parallel);
// other packages' PostgreSQL tests may see the restart, and must cope — that
// is the point. It runs only with JOBMATCH_PG_RESTART=1 (.ci/run sets it
// and runs it alone, after the suite); then it fails, never skips, when it
// cannot restart the server (no pg_ctlcluster, not root, no cluster).
// JOBMATCH_PG_CLUSTER=VERSION/NAME restarts a cluster of one's own instead
// of the shared one (its URL in JOBMATCH_TEST_DATABASE), e.g. one made with
// `pg_createcluster 15 mine -p 5433`. The test waits on work, not time:
// every writer and reader succeeds 5 times before the restart and 20 times
// after it, and no operation fails across it.
package restarttest
