-- Adds journey_flow_rollup's by-day rows for one window and one touchpoint kind, counted from the
-- temp table of touchpoint_stage.sql, to the rollup or (times -1 for the side before a change) to
-- an incremental refresh's diff: one per start day × the start's channel and reason (codes,
-- NULL for NULL) × step × touchpoint × next touchpoint (codes, 0 for NULL). A contact that no
-- journey start precedes (none, when the stored prev/next facts are whole) is left out, as
-- journeys.sql leaves it. $window (the W of the columns read), $kind ('channel' |
-- 'contact_reason'), $shift (where the window's bits start in the stage's counted: 0 or 4), $sign
-- (1 or -1: what each count is multiplied by).
-- Slots: {{start_day}}, {{start_cr}}, {{step}}, {{len}}: the stage's columns of that window
-- (start_day_w7 ... or start_day_w30 ...); {{target}}: journey_flow_rollup or cx_touchpoint_flow_diff.
INSERT INTO {{target}}
WITH codes AS (
    SELECT CAST(count(*) + 1 AS BIGINT) AS k FROM journey_touchpoint_codes
), grouped AS (
    SELECT
        s.{{start_day}} AS day,
        s.{{start_cr}} AS start_cr,
        s.{{step}} AS step,
        CAST(CASE WHEN $kind = 'channel' THEN s.cr // codes.k ELSE s.cr % codes.k END AS INTEGER) AS touchpoint,
        CAST(CASE WHEN s.{{len}} < 2 THEN NULL
                  WHEN $kind = 'channel' THEN s.p1 // codes.k ELSE s.p1 % codes.k END AS INTEGER) AS next_touchpoint,
        count(*) AS contacts,
        count(*) FILTER (WHERE (s.counted >> $shift) & 1 = 1) AS judged,
        count(*) FILTER (WHERE (s.counted >> $shift) & 2 = 2) AS fcr_yes_any,
        count(*) FILTER (WHERE (s.counted >> $shift) & 4 = 4) AS fcr_yes_same,
        count(*) FILTER (WHERE (s.counted >> $shift) & 8 = 8) AS escalated,
        coalesce(sum(s.nps_n), 0) AS nps_n,
        coalesce(sum(s.promoters), 0) AS promoters,
        coalesce(sum(s.detractors), 0) AS detractors,
        coalesce(sum(s.csat_n), 0) AS csat_n,
        coalesce(sum(s.csat_satisfied), 0) AS csat_satisfied
    FROM cx_touchpoint_stage AS s
    CROSS JOIN codes
    WHERE s.{{start_cr}} IS NOT NULL
    GROUP BY ALL
)
SELECT
    $window AS win,
    $kind AS kind,
    false AS all_days,
    g.day,
    CAST(nullif(g.start_cr // codes.k, 0) AS INTEGER) AS channel,
    CAST(nullif(g.start_cr % codes.k, 0) AS INTEGER) AS contact_reason,
    g.step, g.touchpoint, g.next_touchpoint,
    $sign * g.contacts, $sign * g.judged, $sign * g.fcr_yes_any, $sign * g.fcr_yes_same, $sign * g.escalated,
    $sign * g.nps_n, $sign * g.promoters, $sign * g.detractors, $sign * g.csat_n, $sign * g.csat_satisfied
FROM grouped AS g
CROSS JOIN codes
ORDER BY g.day
