-- jobmatch schema, version 6: feedback posts and audit details sealed (issue 10).

-- A feedback event names a graduate and a post: a 公益性岗位 is offered
-- only to graduates in hardship, so the pair in the clear says the
-- graduate is, as the batch lists did before version 5. The post is
-- sealed by the application (store/seal) into post_box, bound to the
-- event's source and ID. post_id stays for events written before version
-- 6; the data-key pass (jobmatch keys rotate-data-key, jobmatch migrate)
-- seals those and empties it.
ALTER TABLE feedback ADD COLUMN post_box bytea;

-- An audit entry that names a graduate says beside the ID what was done:
-- handout.list names every graduate of a district's 一人一策 caseload
-- (the hardship graduates still looking), "post P" for every candidate of
-- a post, "add P" for a plan edit. Its action and detail are sealed
-- together into box, bound to the entry's ID (action and detail then
-- empty); entries naming no graduate keep them readable. Entries written
-- before version 6 keep theirs until the data-key pass.
ALTER TABLE audit_log ADD COLUMN box bytea;
