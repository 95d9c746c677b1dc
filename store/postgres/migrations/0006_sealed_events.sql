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
-- "post P" for every candidate of a post, "add P" for a plan edit, "click
-- P" for feedback. Such a detail is sealed into detail_box, bound to the
-- entry's ID; entries naming no graduate keep it readable. detail stays
-- for entries written before version 6 until the data-key pass.
ALTER TABLE audit_log ADD COLUMN detail_box bytea;
