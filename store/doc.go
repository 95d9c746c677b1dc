// Package store holds jobmatch's persistence: the two implementations of
// matcher.FullStore and what they share.
//
//   - store/bolt is the embedded default: one bbolt file under --data DIR,
//     zero setup, single process (bbolt takes an exclusive file lock).
//   - store/postgres is production: pgx/v5 on a pgxpool, embedded SQL
//     migrations, application-level encryption of personal data, COPY-based
//     bulk upserts, a change feed for replicas and retries across server
//     restarts. It is the only package that imports pgx.
//   - store/seal encrypts personal data at rest for both, with one key
//     handling (the data key, its derivation, rotation, keyed hashes).
//   - store/storetest is the contract suite both run, so callers can switch
//     backends with --db and see the same behaviour.
//   - store/postgres/restarttest restarts the PostgreSQL server under load
//     and proves that in-flight work is retried and nothing is lost.
//
// bench_test.go here measures both backends in the same run (25,000 posts
// and 50,000 graduates in chunks of 1,000, then the same again unchanged):
//
//	JOBMATCH_TEST_DATABASE=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test -run '^$' -bench Ingest -benchtime 1x ./store/
//
// This package itself holds only the helpers both backends share (filter
// matching, ID generation, validation of records before they are written),
// so that the two cannot drift apart on what a filter or a valid key means.
package store
