-- jobmatch schema, version 2: privacy and hardening (issue 10).

-- Free-text notes of the contact log and of shortlist edits are personal
-- data (counselors write phones, IDs and family circumstances into them):
-- they are sealed by the application (store/seal) into note_box, bound to
-- the record's ID. note stays for rows written before version 2; the
-- store seals those on its next data-key pass (jobmatch keys
-- rotate-data-key, or the pass Open runs when it finds any) and empties it.
ALTER TABLE contact_log ADD COLUMN note_box bytea;
ALTER TABLE shortlist_edits ADD COLUMN note_box bytea;

-- Per-key rate limits (0: the server's default).
ALTER TABLE api_keys ADD COLUMN rate double precision NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN burst integer NOT NULL DEFAULT 0;

-- The client address of an audited request (refused attempts included).
ALTER TABLE audit_log ADD COLUMN client text NOT NULL DEFAULT '';

-- Feedback event IDs are chosen by the client, so they are unique per
-- source (the portal, or the person's key), not globally: two portals
-- using the same ID write two events.
ALTER TABLE feedback DROP CONSTRAINT feedback_pkey;
ALTER TABLE feedback ADD PRIMARY KEY (source, id);
DROP INDEX feedback_at;
CREATE INDEX feedback_at ON feedback (at, source, id);
