-- Adds journey_path_rollup's by-day rows for one window and one touchpoint kind, counted from the
-- temp table of touchpoint_stage.sql at the contacts that start a journey, to the rollup or (times
-- -1 for the side before a change) to an incremental refresh's diff: one per start day ×
-- the start's channel and reason (codes, NULL for NULL) × the touchpoints of the journey's first
-- five contacts (codes, 0 for NULL; NULL after its end) × its length (capped at 6).
-- $window (the W of the columns read), $kind ('channel' | 'contact_reason'), $sign (1 or -1).
-- Slots: {{start_day}}, {{start_cr}}, {{step}}, {{len}}: the stage's columns of that window
-- (start_day_w7 ... or start_day_w30 ...); {{target}}: journey_path_rollup or cx_touchpoint_path_diff.
INSERT INTO {{target}}
WITH codes AS (
    SELECT CAST(count(*) + 1 AS BIGINT) AS k FROM journey_touchpoint_codes
), starts AS (
    SELECT
        s.{{start_day}} AS day,
        s.{{start_cr}} AS start_cr,
        s.{{len}} AS steps,
        CASE WHEN $kind = 'channel' THEN s.cr // codes.k ELSE s.cr % codes.k END AS p1,
        CASE WHEN s.{{len}} < 2 THEN NULL
             WHEN $kind = 'channel' THEN s.p1 // codes.k ELSE s.p1 % codes.k END AS p2,
        CASE WHEN s.{{len}} < 3 THEN NULL
             WHEN $kind = 'channel' THEN s.p2 // codes.k ELSE s.p2 % codes.k END AS p3,
        CASE WHEN s.{{len}} < 4 THEN NULL
             WHEN $kind = 'channel' THEN s.p3 // codes.k ELSE s.p3 % codes.k END AS p4,
        CASE WHEN s.{{len}} < 5 THEN NULL
             WHEN $kind = 'channel' THEN s.p4 // codes.k ELSE s.p4 % codes.k END AS p5
    FROM cx_touchpoint_stage AS s
    CROSS JOIN codes
    WHERE s.{{step}} = 1
), grouped AS (
    SELECT day, start_cr, p1, p2, p3, p4, p5, steps, count(*) AS journeys
    FROM starts
    GROUP BY ALL
)
SELECT
    $window AS win,
    $kind AS kind,
    false AS all_days,
    g.day,
    CAST(nullif(g.start_cr // codes.k, 0) AS INTEGER) AS channel,
    CAST(nullif(g.start_cr % codes.k, 0) AS INTEGER) AS contact_reason,
    g.p1, g.p2, g.p3, g.p4, g.p5,
    g.steps,
    $sign * g.journeys
FROM grouped AS g
CROSS JOIN codes
ORDER BY g.day
