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
//
// The audit log is durable before it is in bbolt: AuditBatch appends a
// group of entries to the audit journal, DIR/jobmatch.db.audit (two
// preallocated, zeroed regions overwritten in place, so one fdatasync
// flushes data blocks only), and returns after that sync — one sync a
// group instead of a bbolt commit's two, and a group's sync may start
// while the previous group's is in flight. The entries are stored there
// exactly as in bbolt (sealed under the data key). A background fold
// writes a region's entries into the audit bucket in one transaction
// (when the region is half full, every 5 s, and at Close) and zeroes the
// region only after that commit. Open replays what a crash left in the
// journal, each entry under its own sequence (so an entry folded and
// still in the journal is not written twice), ignoring with a warning a
// record torn by the crash; AuditLog reads the journal's entries and
// bbolt's together. A write or sync of the journal that fails refuses
// every later entry until the store is opened again (fail closed). Copy
// the two files together, with the service stopped (Close folds the
// journal into jobmatch.db).
package bolt
