// Package storetest is the contract every matcher.FullStore keeps: one
// suite, run by store/bolt's tests and store/postgres's tests, so the
// embedded default and PostgreSQL cannot drift apart (upsert outcomes,
// not-found errors, filters and ordering, deletion of a graduate with all
// that derives from them, keys, audit, feedback, the change feed, atomic
// publication of runs and resumable imports).
//
// It also exports the synthetic records the suite uses (Post, Graduate) for
// other tests and benchmarks of the stores.
package storetest
