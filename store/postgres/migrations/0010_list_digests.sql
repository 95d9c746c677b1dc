-- jobmatch schema, version 10: each list stored with a keyed digest of its
-- posts (issue 11).

-- The nightly batch compares each new list with the graduate's list in the
-- previous published run. It read every previous list for that (about
-- 300 MB of sealed boxes on the generated set, out of TOAST, each opened
-- in the application), though nearly all are unchanged. posts_digest is
-- the keyed digest of the default list's posts in rank order
-- (store.ListDigest: HMAC-SHA-256 under a key derived from the data key,
-- over the graduate's ID and the posts, after the key's prefix), which the
-- diff compares instead, opening a previous list only when they differ.
-- Without the data key it tells nothing of the posts; NULL for lists
-- written before version 10 (the diff reads those lists as before), and a
-- digest under a previous data key counts as absent. It is a column of the
-- list's row, so it goes with the list: a prune drops it with the run's
-- partition, an erasure deletes it with the row, a rotation rewrites it.
-- Adding a column without a default to the partitioned table (and so to
-- each run's partition) rewrites no row.
ALTER TABLE recommendations ADD COLUMN posts_digest bytea;
