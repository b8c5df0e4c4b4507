-- One row: the days whose contact_rollup and response_rollup rows a change of contacts can alter.
-- The contacts added or removed are in cx_changed_rows (contact_id, customer_id, started_at).
-- $reach (days: the longest of rollups.ROLLUP_WINDOWS plus one); $edge_from, $edge_to (TIMESTAMP:
-- the earlier and later of the latest contact before and after the change; NULL when it did not move).
-- contact_days: the changed contacts' own days; the days of their customers' other contacts less
-- than $reach days away (a new or removed contact changes its neighbours' previous and next contact
-- facts, and such a change alters a count only when the gap is at most a window); and, when the
-- latest contact moved, every day from $reach days before the earlier latest to the later one (the
-- censoring edge: a contact is judged once it is a window older than the latest contact).
-- response_days, undated: the days of the responses about the changed contacts (their channel,
-- reason and customer come from the contact), and whether one of them has no date.
-- The path rollups (path_rollups.refresh_days) read contact_days too, with the edge NULL: their
-- rows read a contact's previous and next contact, never the latest one.
WITH changed AS (
    SELECT contact_id, customer_id, started_at FROM cx_changed_rows
), changed_days AS (
    -- One row per customer and day changed, not per contact: a customer with thousands of contacts
    -- on one day (an account, a bot) would otherwise join each of them to every neighbour.
    SELECT DISTINCT customer_id, CAST(started_at AS DATE) AS day FROM changed WHERE customer_id IS NOT NULL
), neighbours AS (
    -- The whole changed day widens each contact's reach by under a day: a superset of the days that
    -- can change, so at most a few more days are recounted, never one too few.
    SELECT DISTINCT CAST(c.started_at AS DATE) AS day
    FROM contacts AS c
    JOIN changed_days AS k ON k.customer_id = c.customer_id
    WHERE c.started_at >= CAST(k.day AS TIMESTAMP) - INTERVAL '1' DAY * $reach
      AND c.started_at < CAST(k.day AS TIMESTAMP) + INTERVAL '1' DAY * ($reach + 1)
), edge AS (
    SELECT unnest(generate_series(
        CAST(CAST(CAST($edge_from AS TIMESTAMP) - INTERVAL '1' DAY * $reach AS DATE) AS TIMESTAMP),
        CAST(CAST(CAST($edge_to AS TIMESTAMP) AS DATE) AS TIMESTAMP),
        INTERVAL 1 DAY)) AS started_at
), touched AS (
    SELECT CAST(started_at AS DATE) AS day FROM changed
    UNION ALL
    SELECT day FROM neighbours
    UNION ALL
    SELECT CAST(started_at AS DATE) AS day FROM edge
), answered AS (
    SELECT r.responded_at
    FROM responses AS r
    WHERE r.contact_id IN (SELECT contact_id FROM changed)
)
SELECT
    (SELECT coalesce(list_sort(list_distinct(list(day))), CAST([] AS DATE[])) FROM touched)
        AS contact_days,
    (SELECT coalesce(list_sort(list_distinct(list(CAST(responded_at AS DATE)))), CAST([] AS DATE[])) FROM answered)
        AS response_days,
    (SELECT coalesce(bool_or(responded_at IS NULL), FALSE) FROM answered) AS undated
