// Package batchqueue runs the nightly batch's shards on River
// (github.com/riverqueue/river) in the same PostgreSQL as the store, so
// any number of `jobmatch worker` processes on any number of machines
// share a run.
//
// The coordinator (`jobmatch batch --shards N`) opens the run and sets its
// prices (matcher/batch.Prepare), then Enqueue writes, in one transaction,
// the prices (run_prices), one row a shard (run_shards) and N River jobs of
// kind jobmatch_batch_shard: the run's work appears whole or not at all.
// A worker takes a shard job, computes and saves the shard's lists
// (Runner.RunShard: matcher/batch.RunShard, which skips lists already
// saved, so a job run again after its worker died resumes), and then, in
// one transaction holding the run's row, marks its shard done with its
// result and — when no shard is left — inserts the jobmatch_batch_publish
// job. That job sums the shards' results, saves the report and publishes
// the run (Runner.Publish: matcher/batch.Finish), which flips the served
// run in one transaction, as a one-process run does.
//
// A worker killed mid-shard leaves its job "running"; River's rescuer (on
// whichever worker leads) makes it available again after RescueAfter, and
// another worker resumes the shard. Jobs are unique by run and shard, so
// a coordinator started twice enqueues nothing twice. A shard whose inputs
// differ from the run's (matcher ECONFLICT) is cancelled, not retried.
//
// All of River's tables live beside the store's, created by its own
// migrations (Migrate, run by `jobmatch migrate` and by Open).
package batchqueue
