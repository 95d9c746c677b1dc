-- jobmatch schema, version 9: a run's partitions named by a number, not by
-- the MD5 of its ID (review: MD5 is refused by a server in FIPS mode, and
-- the name must be stable, plain ASCII whatever the ID holds, and short).

-- run_partitions gives each run whose lists have (or had) partitions a
-- number: its partitions are <table>_r<no>. A run's row goes when both
-- its partitions are dropped (a prune), so the prunes' scan for partitions
-- left behind by an interrupted prune reads the few rows of runs whose
-- partitions are still there, not every run ever pruned. No foreign key
-- to runs, as for the list tables (schema 8): runs are never deleted.
CREATE TABLE run_partitions (
    run_id text COLLATE "C" PRIMARY KEY,
    no     bigint GENERATED ALWAYS AS IDENTITY UNIQUE
);

-- The partitions schema 8 made, renamed (attached, pending detach, or
-- detached and not yet dropped: a prune's leftovers). md5 is used this
-- once, to find the old names: a server that refuses it could not have
-- made them.
DO $$
DECLARE
    r record;
    t text;
    n bigint;
    i text;
BEGIN
    FOR r IN SELECT id FROM runs ORDER BY started_at, id LOOP
        n := NULL;
        FOREACH t IN ARRAY ARRAY['recommendations', 'recommendation_plans'] LOOP
            IF to_regclass(quote_ident(t || '_' || md5(r.id))) IS NOT NULL THEN
                IF n IS NULL THEN
                    INSERT INTO run_partitions (run_id) VALUES (r.id) RETURNING no INTO n;
                END IF;
                -- Its indexes' names (the MD5, maybe cut short) too.
                FOR i IN SELECT c.relname FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
                        WHERE x.indrelid = to_regclass(quote_ident(t || '_' || md5(r.id))) LOOP
                    EXECUTE format('ALTER INDEX %I RENAME TO %I', i, regexp_replace(i, '^' || t || '_[0-9a-f]+', t || '_r' || n));
                END LOOP;
                EXECUTE format('ALTER TABLE %I RENAME TO %I', t || '_' || md5(r.id), t || '_r' || n);
            END IF;
        END LOOP;
    END LOOP;
END
$$;

-- jm_run_partitions makes a run's partitions when they are missing (from
-- CreateRun, in the run's transaction), numbering the run first. The run's
-- ID goes into the DDL with %L only, as the partition's value.
CREATE OR REPLACE FUNCTION jm_run_partitions(run text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t text;
    n bigint;
BEGIN
    INSERT INTO run_partitions (run_id) VALUES (run) ON CONFLICT (run_id) DO NOTHING;
    SELECT no INTO n FROM run_partitions WHERE run_id = run;
    FOREACH t IN ARRAY ARRAY['recommendations', 'recommendation_plans'] LOOP
        IF to_regclass(quote_ident(t || '_r' || n)) IS NULL THEN
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)', t || '_r' || n, t);
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES IN (%L)', t, t || '_r' || n, run);
        END IF;
    END LOOP;
END
$$;
