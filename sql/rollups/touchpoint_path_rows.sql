-- Adds journey_path_rollup's by-day rows for the windows of $windows and the touchpoint kinds of
-- $kinds, counted from the temp table of touchpoint_stage.sql (through touchpoint_journeys.sql)
-- at the contacts that start a journey, to the rollup or (times -1 for the side before a change)
-- to an incremental refresh's diff: one per window × kind × start day × the start's channel and
-- reason (codes, NULL for NULL) × the touchpoints of the journey's first five contacts (codes, 0
-- for NULL; NULL after its end) × its length (capped at 6). In (win, kind, day) order. $windows,
-- $kinds (lists, as touchpoint_flow_rows.sql takes them), $sign (1 or -1).
-- Slot: {{target}}: journey_path_rollup or cx_touchpoint_path_diff.
INSERT INTO {{target}}
WITH journeys AS (
    {{> rollups/touchpoint_journeys}}
), grouped AS (
    SELECT
        j.win,
        j.kind,
        j.start_day AS day,
        j.start_cr,
        j.t0 AS p1,
        CASE WHEN j.len >= 2 THEN j.t1 END AS p2,
        CASE WHEN j.len >= 3 THEN j.t2 END AS p3,
        CASE WHEN j.len >= 4 THEN j.t3 END AS p4,
        CASE WHEN j.len >= 5 THEN j.t4 END AS p5,
        j.len AS steps,
        count(*) AS journeys
    FROM journeys AS j
    WHERE j.step = 1
    GROUP BY ALL
)
SELECT
    g.win,
    CASE g.kind WHEN 0 THEN 'channel' ELSE 'contact_reason' END AS kind,
    false AS all_days,
    g.day,
    CAST(nullif(g.start_cr // codes.k, 0) AS INTEGER) AS channel,
    CAST(nullif(g.start_cr % codes.k, 0) AS INTEGER) AS contact_reason,
    g.p1, g.p2, g.p3, g.p4, g.p5,
    g.steps,
    $sign * g.journeys
FROM grouped AS g
CROSS JOIN (SELECT CAST(count(*) + 1 AS BIGINT) AS k FROM journey_touchpoint_codes) AS codes
ORDER BY g.win, g.kind, g.day
