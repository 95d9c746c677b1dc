-- A batch run's report (matcher.RunReport as JSON: the summary in words,
-- coverage, exposure before and after the capacity pass, the diff against
-- the previous run). Counts and post IDs only, no personal data.
ALTER TABLE runs ADD COLUMN report jsonb;

-- A run computed in shards (jobmatch batch --shards N, jobmatch worker):
-- the capacity discounts every shard applies, set once by the coordinator
-- (post ID → discount, posts at full price left out), and each shard's
-- completion with its exposure counts, summed when the last shard lands.
CREATE TABLE run_prices (
    run_id text COLLATE "C" PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    prices jsonb NOT NULL
);
CREATE TABLE run_shards (
    run_id  text COLLATE "C" NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    shard   int NOT NULL,
    shards  int NOT NULL,
    done_at timestamptz,
    result  jsonb,
    PRIMARY KEY (run_id, shard)
);
