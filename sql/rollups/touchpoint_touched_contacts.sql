-- Creates the temp table cx_touchpoint_touched: the (customer, day) pairs around which a change of
-- contacts (the contacts added or removed, in cx_changed_rows) can alter a journey, for
-- touchpoint_keys.sql. One row per changed contact with a customer, with its touchpoint code cr
-- (channel code * k + reason code, as touchpoint_stage.sql packs it: a removed contact may have
-- started a journey, keyed by its own day and cr) and win NULL (both windows); and, when the latest
-- contact moved, one per customer and day of the contacts whose "judged" flag flips for window win
-- (started more than win days before the earlier latest and at most win days before the later
-- one: judged means at least win days before the latest contact), cr NULL.
-- $edge_from, $edge_to (TIMESTAMP: the earlier and later latest contact; NULL when it did not move).
CREATE TEMP TABLE cx_touchpoint_touched AS
WITH codes AS (
    SELECT CAST(count(*) + 1 AS BIGINT) AS k FROM journey_touchpoint_codes
), windows AS (
    SELECT * FROM (VALUES (7), (30)) AS w (win)
)
SELECT
    x.customer_id,
    CAST(x.started_at AS DATE) AS day,
    coalesce(ch.code, 0) * codes.k + coalesce(re.code, 0) AS cr,
    CAST(NULL AS INTEGER) AS win
FROM cx_changed_rows AS x
CROSS JOIN codes
LEFT JOIN journey_touchpoint_codes AS ch ON ch.value = x.channel
LEFT JOIN journey_touchpoint_codes AS re ON re.value = x.contact_reason
WHERE x.customer_id IS NOT NULL
UNION ALL
SELECT DISTINCT c.customer_id, CAST(c.started_at AS DATE), CAST(NULL AS BIGINT), w.win
FROM contacts AS c
CROSS JOIN windows AS w
WHERE c.customer_id IS NOT NULL
  AND c.started_at > CAST($edge_from AS TIMESTAMP) - INTERVAL '1' DAY * w.win
  AND c.started_at <= CAST($edge_to AS TIMESTAMP) - INTERVAL '1' DAY * w.win
