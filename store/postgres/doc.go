// Package postgres is jobmatch's production store: matcher.FullStore on
// PostgreSQL through a pgx/v5 pgxpool. It is the only package that imports
// pgx; all SQL lives here, written as constants with $n parameters — no SQL
// is ever built from input, and filters are fixed column comparisons.
//
// Schema. Plain-SQL migrations are embedded (migrations/NNNN_what.sql) and
// applied by Migrate (`jobmatch migrate`), one transaction each, recorded in
// schema_version. Open refuses a database whose schema is not exactly this
// binary's version, saying which it found and what to do. Records are kept
// whole as JSONB beside the columns queries filter on; ids use the "C"
// collation so ID order is byte order, as in the embedded store.
//
// Personal data. A graduate's name, national ID, phone and hardship
// categories are encrypted by the application with AES-256-GCM (bound to
// the graduate's ID) before they leave the process, by store/seal with the
// keyring cmd/jobmatch builds from JOBMATCH_DATA_KEY (no key, no store).
// An HMAC-SHA256 of the national ID allows GraduateByNationalID without
// storing it, and an HMAC of the personal fields detects changes to them.
// A settings row holds the check value of the data key, so a database
// opened with the wrong key is refused (datakey.go).
//
// Bulk writes. Each upsert call is one transaction, through one generic
// (upsert.go's copyUpsert): COPY into a temporary table, then INSERT … ON CONFLICT (source, external_id) DO UPDATE … WHERE
// the stored document differs, RETURNING (xmax = 0) to tell inserted from
// updated; rows not returned were unchanged. Imports commit each chunk with
// the import job's progress in the same transaction (BeginImport,
// CommitChunk, FinishImport), so a killed import resumes after its last
// committed row with neither duplicates nor gaps.
//
// The batch's lists. Each run's lists and plan items are partitions of
// their own (schema 8), made with the run (CreateRun); a chunk of new lists
// is COPied straight into them, and a prune drops a run's partitions
// (retention.go) instead of deleting its rows.
//
// Change feed. Every transaction that changes posts locks one counter row
// and numbers its changes from it, so numbers become visible in order and a
// replica polling PostChanges never skips one.
//
// Restarts. pgxpool replaces dead connections; every operation here is
// idempotent (upserts by key, inserts keyed by client-made IDs with
// ON CONFLICT DO NOTHING, import chunks guarded by their last row) and is
// retried on connection errors with backoff for up to 30 s, so work in
// flight when the server restarts completes once it is back. Each* walks
// read a page per query and hold no connection while calling back.
// store/postgres/restarttest restarts the server under load to prove it.
//
// Tests. Package pgtest (URL, Schema, Open) gives any package's tests a
// migrated store in a schema of their own (jm_test_<random>, dropped
// afterwards), from JOBMATCH_TEST_DATABASE; tests skip when it is unset, and
// fail instead when JOBMATCH_REQUIRE_DB=1. It is a package of its own so
// that the shipped binary does not link package testing.
package postgres
