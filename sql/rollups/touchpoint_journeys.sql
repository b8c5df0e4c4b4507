-- A CTE body: the temp table of touchpoint_stage.sql read once per window W of $windows (7 and
-- 30 days: the stage's _wW columns) and touchpoint kind of $kinds ('channel', 'contact_reason'),
-- so that one GROUP BY can count several windows and kinds (touchpoint_flow_rows.sql,
-- touchpoint_path_rows.sql). Per row: win, kind, shift (where the window's bits start in counted: 0 or 4),
-- start_day and start_cr of the contact's journey at that window (contacts no journey start
-- precedes are left out, as journeys.sql leaves them), kind as a number (0 channel, 1 contact_reason:
-- grouped by, a number costs the full build's hash tables less than the name), step and len, t0 (the contact's touchpoint
-- of that kind: its code, 0 for NULL), t1 .. t4 (those of the customer's next four contacts,
-- whether or not in the journey), counted and the answers' counts.
SELECT
    w.win, kinds.code AS kind, w.shift, w.start_day, w.start_cr, w.step, w.len, w.counted,
    w.nps_n, w.promoters, w.detractors, w.csat_n, w.csat_satisfied,
    CASE WHEN kinds.code = 0 THEN w.cr // codes.k ELSE w.cr % codes.k END AS t0,
    CASE WHEN kinds.code = 0 THEN w.p1 // codes.k ELSE w.p1 % codes.k END AS t1,
    CASE WHEN kinds.code = 0 THEN w.p2 // codes.k ELSE w.p2 % codes.k END AS t2,
    CASE WHEN kinds.code = 0 THEN w.p3 // codes.k ELSE w.p3 % codes.k END AS t3,
    CASE WHEN kinds.code = 0 THEN w.p4 // codes.k ELSE w.p4 % codes.k END AS t4
FROM (
    SELECT 7 AS win, 0 AS shift, s.start_day_w7 AS start_day, s.start_cr_w7 AS start_cr, s.step_w7 AS step,
           s.len_w7 AS len, s.cr, s.p1, s.p2, s.p3, s.p4, s.counted,
           s.nps_n, s.promoters, s.detractors, s.csat_n, s.csat_satisfied
    FROM cx_touchpoint_stage AS s
    WHERE s.start_cr_w7 IS NOT NULL AND list_contains($windows, 7)
    UNION ALL
    SELECT 30 AS win, 4 AS shift, s.start_day_w30 AS start_day, s.start_cr_w30 AS start_cr, s.step_w30 AS step,
           s.len_w30 AS len, s.cr, s.p1, s.p2, s.p3, s.p4, s.counted,
           s.nps_n, s.promoters, s.detractors, s.csat_n, s.csat_satisfied
    FROM cx_touchpoint_stage AS s
    WHERE s.start_cr_w30 IS NOT NULL AND list_contains($windows, 30)
) AS w
CROSS JOIN (VALUES (0, 'channel'), (1, 'contact_reason')) AS kinds (code, name)
CROSS JOIN (SELECT CAST(count(*) + 1 AS BIGINT) AS k FROM journey_touchpoint_codes) AS codes
WHERE list_contains($kinds, kinds.name)
