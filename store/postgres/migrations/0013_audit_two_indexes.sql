-- jobmatch schema, version 13: the audit log keeps two indexes, not three
-- (issue 11).

-- Every read of a graduate by a person writes an audit entry before the
-- data is served, so each entry's index entries are paid on the online
-- path. Version 1 kept three: the key n (the order entries were written
-- in: AuditLog's "newest first" over all entries, the data key's
-- re-sealing, which pages by n), (graduate_id, n) for one graduate's
-- entries, and UNIQUE (id), which only AuditBatch's ON CONFLICT used (a
-- batch retried after a commit whose acknowledgement was lost writes each
-- entry once). One unique index on (graduate_id, id) serves both of the
-- latter: a retried entry has the same graduate and ID, so ON CONFLICT
-- (graduate_id, id) skips it; one graduate's entries are found by its
-- prefix and sorted by n, as the planner already did with (graduate_id, n)
-- (a bitmap scan of the graduate's entries and a top-N sort). IDs stay
-- unique (48 bits of milliseconds and 64 random bits, store.NewID): the
-- database enforced that only for the retry.
--
-- Building the index reads the whole log and blocks its writes until the
-- migration commits: migrate with every jobmatch process stopped (a
-- process of the version before still running would fail its audit
-- writes, refusing its reads, until restarted).
CREATE UNIQUE INDEX audit_log_graduate_entry ON audit_log (graduate_id, id);
ALTER TABLE audit_log DROP CONSTRAINT audit_log_id_key;
DROP INDEX audit_log_graduate;
