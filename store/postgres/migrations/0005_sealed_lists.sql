-- jobmatch schema, version 5: batch lists sealed (issue 10).

-- A graduate's list in a run is personal data: 公益性岗位 are recommended
-- only to graduates in hardship, so a list naming one says the graduate is
-- in hardship. Lists are sealed whole by the application (store/seal),
-- bound to the run and the graduate, into items_box. items stays for lists
-- written before version 5; `jobmatch keys rotate-data-key` seals those
-- and empties it.
ALTER TABLE recommendations ADD COLUMN items_box bytea;
ALTER TABLE recommendations ALTER COLUMN items DROP NOT NULL;
ALTER TABLE recommendations ADD CONSTRAINT recommendations_one_form CHECK (items IS NOT NULL OR items_box IS NOT NULL);

-- The plan items of a 一人一策 graduate's list (reserve posts, internships,
-- courses: only hardship graduates have them, so a row of them beside a
-- graduate's ID would say so, and so would a list's length), sealed and
-- named by a keyed hash of the run and the graduate that names no one
-- without the data key.
CREATE TABLE recommendation_plans (
    run_id text COLLATE "C" NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    tag    bytea NOT NULL,
    box    bytea NOT NULL,
    PRIMARY KEY (run_id, tag)
);

-- The post a counselor put on (or took off) a graduate's plan says what
-- the list would: sealed like the edit's note, bound to the edit's ID.
-- post_id stays for edits written before version 5 until a data-key pass.
ALTER TABLE shortlist_edits ADD COLUMN post_box bytea;
