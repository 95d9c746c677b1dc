-- jobmatch schema, version 12: each shard of a sharded run stored with its
-- slice of the ledger (issue 11).

-- A shard found its graduates by a hash of their IDs among every active
-- graduate, and checked all of them against the run's fingerprint; the
-- publish read them all again. At 12 million graduates that read costs
-- minutes for each of hundreds of shards. The coordinator, which reads the
-- ledger once anyway, now cuts the active graduates in ID order into equal
-- slices and stores each shard's with it: the IDs [from, to) (to '' is
-- unbounded), how many graduates it held and the fingerprint of the run's
-- inputs with only those graduates (matcher/batch.Slice, as JSON). A shard
-- reads its slice through the ID index and checks it against that
-- fingerprint; the publish reads no graduate. No personal data: IDs,
-- a count and hashes.
--
-- NULL for the shards of runs queued before version 12: their workers
-- find their graduates by the hash as before, so a run in flight across
-- the upgrade completes the way it started.
ALTER TABLE run_shards ADD COLUMN slice jsonb;
