// Package bolt is jobmatch's embedded default store: a single bbolt file
// (DIR/jobmatch.db under --data DIR), zero setup, implementing
// matcher.FullStore.
//
// Records are JSON in buckets keyed by ID, each prefixed by 8 bytes of
// UpdatedAt so that "unchanged" is a byte comparison of the JSON (an import
// of the same file twice rewrites nothing). Posts are keyed
// "source:external_id", so a source filter is a key-range scan; graduates
// have a district index (hukou and residence) for counselors and an index
// of national IDs by keyed hash. Each upsert call is one transaction (ingest sends
// chunks of 1,000), and Each* walks read pages in short read transactions
// and call back outside them, so callbacks may use the store.
//
// Single process: bbolt locks the file exclusively, so only one jobmatch
// process can open a data directory at a time (a second one fails after
// 5 s, saying so). Several replicas need PostgreSQL (--db).
//
// Personal data is sealed exactly as PostgreSQL seals it (store/seal, the
// same data key): a graduate's name, national ID, phone, hardship and
// birth date in bGradPII, bound to the graduate's ID, with the record in
// bGraduates holding the rest and keyed hashes for change detection and
// look-up; contact-log and shortlist entries (their notes are free text)
// sealed whole. Open refuses a key that is not the file's, and without a
// key the store refuses personal data. datakey.go rotates the key
// (resumable) and seals files written before sealing existed, then
// compacts the file so no freed page keeps the clear text.
package bolt
