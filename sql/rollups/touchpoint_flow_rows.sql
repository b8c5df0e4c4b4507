-- Adds journey_flow_rollup's by-day rows for the windows of $windows and the touchpoint kinds of
-- $kinds, counted from the temp table of touchpoint_stage.sql (through touchpoint_journeys.sql),
-- to the rollup or (times -1 for the side before a change) to an incremental refresh's diff: one
-- per window × kind × start day × the start's channel and reason (codes, NULL for NULL) × step ×
-- touchpoint × next touchpoint (codes, 0 for NULL). In (win, kind, day) order, as the rollup's
-- queries filter it. $windows (a list of 7 and 30), $kinds (a list of 'channel' and
-- 'contact_reason'), $sign (1 or -1: what each count is multiplied by), $flips (BOOLEAN: count
-- only what the latest contact's move changes, below).
-- With $flips, only the contacts judged in the stage but not against its $flip_latest are counted,
-- and only their judged, resolved and escalated counts (their contacts and answers are 0): the
-- change of the rows when the latest contact moves and nothing else does, since a contact's other
-- counts and its journey do not depend on the latest contact, and a contact not judged counts
-- none of the four.
-- Slot: {{target}}: journey_flow_rollup or cx_touchpoint_flow_diff.
INSERT INTO {{target}}
WITH journeys AS (
    {{> rollups/touchpoint_journeys}}
), grouped AS (
    SELECT
        j.win,
        j.kind,
        j.start_day AS day,
        j.start_cr,
        j.step,
        CAST(j.t0 AS INTEGER) AS touchpoint,
        CAST(CASE WHEN j.len >= 2 THEN j.t1 END AS INTEGER) AS next_touchpoint,
        count(*) FILTER (WHERE NOT $flips) AS contacts,
        count(*) FILTER (WHERE (j.counted >> j.shift) & 1 = 1) AS judged,
        count(*) FILTER (WHERE (j.counted >> j.shift) & 2 = 2) AS fcr_yes_any,
        count(*) FILTER (WHERE (j.counted >> j.shift) & 4 = 4) AS fcr_yes_same,
        count(*) FILTER (WHERE (j.counted >> j.shift) & 8 = 8) AS escalated,
        coalesce(sum(j.nps_n) FILTER (WHERE NOT $flips), 0) AS nps_n,
        coalesce(sum(j.promoters) FILTER (WHERE NOT $flips), 0) AS promoters,
        coalesce(sum(j.detractors) FILTER (WHERE NOT $flips), 0) AS detractors,
        coalesce(sum(j.csat_n) FILTER (WHERE NOT $flips), 0) AS csat_n,
        coalesce(sum(j.csat_satisfied) FILTER (WHERE NOT $flips), 0) AS csat_satisfied
    FROM journeys AS j
    WHERE NOT $flips OR (j.counted >> j.shift) & 257 = 1
    GROUP BY ALL
)
SELECT
    g.win,
    CASE g.kind WHEN 0 THEN 'channel' ELSE 'contact_reason' END AS kind,
    false AS all_days,
    g.day,
    CAST(nullif(g.start_cr // codes.k, 0) AS INTEGER) AS channel,
    CAST(nullif(g.start_cr % codes.k, 0) AS INTEGER) AS contact_reason,
    g.step, g.touchpoint, g.next_touchpoint,
    $sign * g.contacts, $sign * g.judged, $sign * g.fcr_yes_any, $sign * g.fcr_yes_same, $sign * g.escalated,
    $sign * g.nps_n, $sign * g.promoters, $sign * g.detractors, $sign * g.csat_n, $sign * g.csat_satisfied
FROM grouped AS g
CROSS JOIN (SELECT CAST(count(*) + 1 AS BIGINT) AS k FROM journey_touchpoint_codes) AS codes
ORDER BY g.win, g.kind, g.day
