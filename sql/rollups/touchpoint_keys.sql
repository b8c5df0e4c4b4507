-- Creates the temp table cx_touchpoint_keys: the journey keys (window, first contact's day and
-- touchpoint code cr) whose journey_flow_rollup and journey_path_rollup rows a change can alter,
-- found around the (customer, day) pairs of cx_touchpoint_touched (a pair with win NULL counts for
-- both windows). channel and contact_reason are the key's codes as the rollups store them (NULL
-- for none). Takes no $params.
-- A journey is a chain of one customer's contacts in (started_at, contact_id) order, each at most
-- W days after the one before; a contact added or removed on day d changes only the journeys of
-- the contacts just before and after it (its neighbours' facts, whether the next one still starts
-- a journey), and any contact's flags change only with its own journey. So for each pair, a
-- superset of the keys of those journeys, before and after the change:
-- - the day and cr of every contact of that customer on day d (the journeys starting that day);
-- - the customer's last journey start (of that window) before day d, when their last contact
--   before day d is at most W days before it: the journey reaching into day d (further back, the
--   first contact on day d starts a journey, before and after the change, and nothing before it
--   reads a contact more than W days on);
-- - the customer's first contact after day d (every contact at that instant), when it starts less
--   than W days after day d ends: it may start a journey now, or have started one before the
--   change (further on, it starts one either way, and its journey does not change);
-- - the explicit cr of the pair (a removed contact's own, which no contact shows any more).
CREATE TEMP TABLE cx_touchpoint_keys AS
WITH codes AS (
    SELECT CAST(count(*) + 1 AS BIGINT) AS k FROM journey_touchpoint_codes
), windows AS (
    SELECT * FROM (VALUES (7), (30)) AS w (win)
), touched AS (
    SELECT DISTINCT
        t.customer_id,
        w.win,
        CAST(t.day AS TIMESTAMP) AS day_start,
        CAST(t.day AS TIMESTAMP) + INTERVAL '1' DAY AS day_end
    FROM cx_touchpoint_touched AS t
    JOIN windows AS w ON t.win IS NULL OR t.win = w.win
), theirs AS (
    -- Every contact of the touched customers, coded, with whether it starts a journey per window
    -- (as touchpoint_stage.sql decides it, from the stored previous contact).
    SELECT
        c.customer_id,
        c.started_at,
        coalesce(ch.code, 0) * codes.k + coalesce(re.code, 0) AS cr,
        c.prev_any_at IS NULL OR c.prev_any_at < c.started_at - INTERVAL '1' DAY * 7 AS starts_w7,
        c.prev_any_at IS NULL OR c.prev_any_at < c.started_at - INTERVAL '1' DAY * 30 AS starts_w30
    FROM contacts AS c
    CROSS JOIN codes
    LEFT JOIN journey_touchpoint_codes AS ch ON ch.value = c.channel
    LEFT JOIN journey_touchpoint_codes AS re ON re.value = c.contact_reason
    WHERE c.customer_id IN (SELECT customer_id FROM cx_touchpoint_touched)
), starts AS (
    SELECT 7 AS win, customer_id, started_at, cr FROM theirs WHERE starts_w7
    UNION ALL
    SELECT 30 AS win, customer_id, started_at, cr FROM theirs WHERE starts_w30
), on_day AS (
    SELECT t.win, c.started_at, c.cr
    FROM touched AS t
    JOIN theirs AS c ON c.customer_id = t.customer_id
        AND c.started_at >= t.day_start AND c.started_at < t.day_end
), near AS (
    -- The touched pairs whose customer has a contact at most W days before the day.
    SELECT t.win, t.customer_id, t.day_start
    FROM touched AS t
    ASOF JOIN theirs AS s ON s.customer_id = t.customer_id AND t.day_start > s.started_at
    WHERE s.started_at >= t.day_start - INTERVAL '1' DAY * t.win
), reaching AS (
    -- One start per customer and instant at most: a contact at the same instant as the one before
    -- it has a gap of zero, so starts none.
    SELECT n.win, s.started_at, s.cr
    FROM near AS n
    ASOF JOIN starts AS s ON s.win = n.win AND s.customer_id = n.customer_id AND n.day_start > s.started_at
), next_at AS (
    SELECT t.win, t.customer_id, s.started_at
    FROM touched AS t
    ASOF JOIN theirs AS s ON s.customer_id = t.customer_id AND t.day_end <= s.started_at
    WHERE s.started_at <= t.day_end + INTERVAL '1' DAY * t.win
), following AS (
    SELECT n.win, c.started_at, c.cr
    FROM next_at AS n
    JOIN theirs AS c ON c.customer_id = n.customer_id AND c.started_at = n.started_at
), found AS (
    SELECT win, CAST(started_at AS DATE) AS day, cr FROM on_day
    UNION
    SELECT win, CAST(started_at AS DATE), cr FROM reaching
    UNION
    SELECT win, CAST(started_at AS DATE), cr FROM following
    UNION
    SELECT w.win, t.day, t.cr
    FROM cx_touchpoint_touched AS t
    JOIN windows AS w ON t.win IS NULL OR t.win = w.win
    WHERE t.cr IS NOT NULL
)
SELECT
    f.win,
    f.day,
    f.cr,
    CAST(nullif(f.cr // codes.k, 0) AS INTEGER) AS channel,
    CAST(nullif(f.cr % codes.k, 0) AS INTEGER) AS contact_reason
FROM found AS f
CROSS JOIN codes
