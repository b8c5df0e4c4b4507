-- Creates the temp table cx_metric_flips: the contacts, as they are after a change, whose "judged"
-- flag of a window the latest contact's move flips: a contact is judged in window W once it is W
-- whole days older than the latest contact (contact_rollup_build.sql's age_days >= W), i.e. it
-- started at most W days before the latest, so between an earlier latest $lo and a later one $hi
-- exactly those started after $lo less W days and at most $hi less W days change, for W = 7 and
-- 30 (rollups.ROLLUP_WINDOWS, as the build's); none when the latest contact did not move ($lo =
-- $hi). Counted against both latest contacts, the one before the change times -1 (metric_stage.sql):
-- what the move alone changes. $lo, $hi (TIMESTAMP: the earlier and later of the latest contact
-- before and after the change).
CREATE TEMP TABLE cx_metric_flips AS
SELECT *
FROM contacts
WHERE (started_at > CAST($lo AS TIMESTAMP) - INTERVAL '1' DAY * 7
       AND started_at <= CAST($hi AS TIMESTAMP) - INTERVAL '1' DAY * 7)
   OR (started_at > CAST($lo AS TIMESTAMP) - INTERVAL '1' DAY * 30
       AND started_at <= CAST($hi AS TIMESTAMP) - INTERVAL '1' DAY * 30)
