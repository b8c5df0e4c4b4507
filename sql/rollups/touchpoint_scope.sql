-- Creates the temp table cx_touchpoint_scope: the contacts touchpoint_stage.sql (its contacts
-- slot) recounts after a change. For every customer with a journey start at a key of
-- cx_touchpoint_keys (its window, day and touchpoint code), their contacts from the earliest such
-- start up to (not including) the first 30-day journey start after the latest such start, with the
-- columns the stage reads. A journey start has no contact of its customer within the window before
-- it, so nothing before it bears on the journeys counted from it; a 30-day start (a 7-day start as
-- well) ends every journey before it, and what the stage reads past a journey's end (the next
-- contacts' touchpoints) is masked by its length, so nothing after it bears on them either. The
-- stage's rows of the other journeys in the scope are then dropped (touchpoint_keep_keys.sql).
-- Takes no $params.
CREATE TEMP TABLE cx_touchpoint_scope AS
WITH codes AS (
    SELECT CAST(count(*) + 1 AS BIGINT) AS k FROM journey_touchpoint_codes
), keyed AS (
    SELECT c.customer_id, min(c.started_at) AS from_at, max(c.started_at) AS last_at
    FROM contacts AS c
    CROSS JOIN codes
    LEFT JOIN journey_touchpoint_codes AS ch ON ch.value = c.channel
    LEFT JOIN journey_touchpoint_codes AS re ON re.value = c.contact_reason
    JOIN cx_touchpoint_keys AS key
        ON key.day = CAST(c.started_at AS DATE)
        AND key.cr = coalesce(ch.code, 0) * codes.k + coalesce(re.code, 0)
    WHERE c.customer_id IS NOT NULL
      AND (c.prev_any_at IS NULL OR c.prev_any_at < c.started_at - INTERVAL '1' DAY * key.win)
    GROUP BY c.customer_id
), theirs AS (
    SELECT c.*
    FROM contacts AS c
    WHERE c.customer_id IN (SELECT customer_id FROM keyed)
), ends AS (
    SELECT customer_id, started_at
    FROM theirs
    WHERE prev_any_at < started_at - INTERVAL '1' DAY * 30
), spans AS (
    SELECT k.customer_id, k.from_at, e.started_at AS until_at
    FROM keyed AS k
    ASOF LEFT JOIN ends AS e ON e.customer_id = k.customer_id AND k.last_at < e.started_at
)
SELECT
    c.customer_id, c.started_at, c.contact_id, c.channel, c.contact_reason, c.self_service,
    c.prev_any_at, c.next_any_at, c.next_same_at
FROM theirs AS c
JOIN spans AS s ON s.customer_id = c.customer_id
WHERE c.started_at >= s.from_at AND (s.until_at IS NULL OR c.started_at < s.until_at)
