-- jobmatch schema, version 8: each run's lists in partitions of their own (issue 11).

-- A run writes about 300 MB of sealed lists (30,000 graduates on the
-- generated set), and the retention policy deletes an old run's after each
-- published run. Deleting them row by row, and the VACUUM that made their
-- space reusable, cost the server more CPU than writing them; a run's own
-- partition is dropped whole instead, and gives its space back at once.
-- The run's partitions are made when the run is (jm_run_partitions, from
-- CreateRun) and attached, which locks the parent tables SHARE UPDATE
-- EXCLUSIVE only: readers and writers of other runs do not wait.
-- The list tables name their run without a foreign key to runs: a foreign
-- key puts triggers on runs, and attaching, detaching or dropping a
-- partition that carries one locks runs itself (ACCESS EXCLUSIVE for the
-- drop), queueing every reader of runs behind a prune. A run's partitions
-- are made in CreateRun's transaction with the run, and runs are never
-- deleted, so no list can outlive its run.
ALTER TABLE recommendations RENAME TO recommendations_v7;
ALTER INDEX recommendations_pkey RENAME TO recommendations_v7_pkey;
ALTER INDEX recommendations_graduate RENAME TO recommendations_v7_graduate;
ALTER TABLE recommendation_plans RENAME TO recommendation_plans_v7;
ALTER INDEX recommendation_plans_pkey RENAME TO recommendation_plans_v7_pkey;

CREATE TABLE recommendations (
    run_id      text COLLATE "C" NOT NULL,
    graduate_id text COLLATE "C" NOT NULL,
    items       jsonb,
    items_box   bytea,
    CONSTRAINT recommendations_one_form CHECK (items IS NOT NULL OR items_box IS NOT NULL),
    PRIMARY KEY (run_id, graduate_id)
) PARTITION BY LIST (run_id);
CREATE INDEX recommendations_graduate ON recommendations (graduate_id);

CREATE TABLE recommendation_plans (
    run_id text COLLATE "C" NOT NULL,
    tag    bytea NOT NULL,
    box    bytea NOT NULL,
    PRIMARY KEY (run_id, tag)
) PARTITION BY LIST (run_id);

-- Sealed boxes do not compress: no attempt at it (EXTERNAL: out of line,
-- uncompressed), for the partitions made LIKE these tables.
ALTER TABLE recommendations ALTER COLUMN items_box SET STORAGE EXTERNAL;
ALTER TABLE recommendation_plans ALTER COLUMN box SET STORAGE EXTERNAL;

-- jm_run_partitions makes run's partitions when they are missing, named
-- by the MD5 of the run's ID (run_partition_name in Go: a name made of
-- hex digits only, whatever the ID holds). The value goes in with %L.
CREATE FUNCTION jm_run_partitions(run text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['recommendations', 'recommendation_plans'] LOOP
        IF to_regclass(quote_ident(t || '_' || md5(run))) IS NULL THEN
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)', t || '_' || md5(run), t);
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES IN (%L)', t, t || '_' || md5(run), run);
        END IF;
    END LOOP;
END
$$;

-- The runs whose lists are there, moved into partitions of their own.
SELECT jm_run_partitions(id) FROM runs
    WHERE EXISTS (SELECT 1 FROM recommendations_v7 r WHERE r.run_id = runs.id)
       OR EXISTS (SELECT 1 FROM recommendation_plans_v7 p WHERE p.run_id = runs.id)
       OR (status = 'running' AND pruned_at IS NULL);
INSERT INTO recommendations (run_id, graduate_id, items, items_box)
    SELECT run_id, graduate_id, items, items_box FROM recommendations_v7;
INSERT INTO recommendation_plans (run_id, tag, box)
    SELECT run_id, tag, box FROM recommendation_plans_v7;
DROP TABLE recommendations_v7, recommendation_plans_v7;
