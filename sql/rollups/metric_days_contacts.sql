-- One row: the days of the path rollups' rows a change of contacts can alter (path_rollups.refresh_days).
-- The contacts added or removed are in cx_changed_rows.
-- $reach (days: the longest window of the rows counted plus one).
-- contact_days: the changed contacts' own days, and the days of their customers' other contacts
-- less than $reach days away (a new or removed contact changes its neighbours' previous and next
-- contact facts, and such a change alters a count only when the gap is at most a window).
-- (The metric rollups' after a change of contacts: metric_rollups._refresh_contacts and
-- metric_response_days_contacts.sql.)
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
), touched AS (
    SELECT CAST(started_at AS DATE) AS day FROM changed
    UNION ALL
    SELECT day FROM neighbours
)
SELECT
    (SELECT coalesce(list_sort(list_distinct(list(day))), CAST([] AS DATE[])) FROM touched)
        AS contact_days
