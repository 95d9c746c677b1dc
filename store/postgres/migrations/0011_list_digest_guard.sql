-- jobmatch schema, version 11: a list's digest cannot outlive the list it
-- was made of (issue 11).

-- posts_digest (version 10) is written by the same statement as the list's
-- items_box. A process that does not know the column — one started before
-- the migration to version 10 and still running, a River worker among
-- them — replaces items_box and leaves the digest as it was; the next
-- night's diff would then take the old digest for the new list and could
-- count a changed list as unchanged. So any update that changes a list's
-- box and not its digest clears the digest: the diff then reads that list
-- itself (as it reads lists stored before version 10). This also clears
-- the digest when jobmatch saves the same posts again (a retried chunk: the
-- box is sealed anew, the digest is the same), which costs that list one
-- read at the next diff and never a wrong count. A row trigger on the
-- partitioned table is cloned to every partition, those attached later too.
CREATE FUNCTION jm_list_digest_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.items_box IS DISTINCT FROM OLD.items_box
		AND NEW.posts_digest IS NOT DISTINCT FROM OLD.posts_digest THEN
		NEW.posts_digest := NULL;
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER jm_list_digest_guard BEFORE UPDATE ON recommendations
	FOR EACH ROW EXECUTE FUNCTION jm_list_digest_guard();
