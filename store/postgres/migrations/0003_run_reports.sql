-- A batch run's report (matcher.RunReport as JSON: the summary in words,
-- coverage, exposure before and after the capacity pass, the diff against
-- the previous run). Counts and post IDs only, no personal data.
ALTER TABLE runs ADD COLUMN report jsonb;
