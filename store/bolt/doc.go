// Package bolt is jobmatch's embedded default store: a single bbolt file
// (DIR/jobmatch.db under --data DIR), zero setup, implementing
// matcher.FullStore.
//
// Records are JSON in buckets keyed by ID, each prefixed by 8 bytes of
// UpdatedAt so that "unchanged" is a byte comparison of the JSON (an import
// of the same file twice rewrites nothing). Posts are keyed
// "source:external_id", so a source filter is a key-range scan; graduates
// have a district index (hukou and residence) for counselors and a SHA-256
// index of national IDs. Each upsert call is one transaction (ingest sends
// chunks of 1,000), and Each* walks read pages in short read transactions
// and call back outside them, so callbacks may use the store.
//
// Single process: bbolt locks the file exclusively, so only one jobmatch
// process can open a data directory at a time (a second one fails after
// 5 s, saying so). Several replicas need PostgreSQL (--db). Personal data
// is stored in the clear here — the file is the operator's to protect
// (0600); PostgreSQL encrypts it at the application level.
package bolt
