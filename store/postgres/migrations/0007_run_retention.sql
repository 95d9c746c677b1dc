-- jobmatch schema, version 7: run retention (issue 11).

-- A run whose lists the retention policy deleted (jobmatch runs prune,
-- and after each published run): the run and its report stay, with when
-- its lists went and how many graduates it had (counted from the lists
-- while they exist).
ALTER TABLE runs ADD COLUMN pruned_at timestamptz;
ALTER TABLE runs ADD COLUMN pruned_graduates int;
