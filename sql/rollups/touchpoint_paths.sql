-- The rows of sql/touchpoints/journey_paths.sql (same columns, same order), summed from
-- journey_path_rollup for the journeys the filters choose by their first contact. $window,
-- $kind, $all_days, $date_from, $date_to, $channels, $reasons, $top_values as in
-- touchpoint_flow.sql; $max_steps (1 to the rollup's five): touchpoints shown before the " → …";
-- $limit (most common paths kept). Paths of codes are summed first, then written out as folded
-- text, then summed again (folding can make two paths one).
WITH scoped AS (
    SELECT
        r.p1,
        CASE WHEN $max_steps >= 2 THEN r.p2 END AS p2,
        CASE WHEN $max_steps >= 3 THEN r.p3 END AS p3,
        CASE WHEN $max_steps >= 4 THEN r.p4 END AS p4,
        CASE WHEN $max_steps >= 5 THEN r.p5 END AS p5,
        r.steps > $max_steps AS longer,
        sum(r.journeys) AS journeys
    FROM journey_path_rollup AS r
    WHERE r.win = $window
      AND r.kind = $kind
      AND r.all_days = $all_days
      AND ($date_from IS NULL OR r.day >= CAST($date_from AS DATE))
      AND ($date_to IS NULL OR r.day <= CAST($date_to AS DATE))
      AND ($channels IS NULL OR r.channel IN (
          SELECT code FROM journey_touchpoint_codes WHERE list_contains($channels, value)))
      AND ($reasons IS NULL OR r.contact_reason IN (
          SELECT code FROM journey_touchpoint_codes WHERE list_contains($reasons, value)))
    GROUP BY ALL
), shown AS (
    -- Each code as the journey_paths.sql touchpoint: its value ('(none)' for 0), or 'Other'.
    SELECT code, CASE WHEN list_contains($top_values, value) THEN value ELSE 'Other' END AS name
    FROM journey_touchpoint_codes
    UNION ALL
    SELECT 0, CASE WHEN list_contains($top_values, '(none)') THEN '(none)' ELSE 'Other' END
), written AS (
    SELECT
        concat_ws(' → ', t1.name, t2.name, t3.name, t4.name, t5.name)
            || CASE WHEN s.longer THEN ' → …' ELSE '' END AS path,
        s.journeys
    FROM scoped AS s
    LEFT JOIN shown AS t1 ON t1.code = s.p1
    LEFT JOIN shown AS t2 ON t2.code = s.p2
    LEFT JOIN shown AS t3 ON t3.code = s.p3
    LEFT JOIN shown AS t4 ON t4.code = s.p4
    LEFT JOIN shown AS t5 ON t5.code = s.p5
), final AS (
    SELECT path, CAST(sum(journeys) AS BIGINT) AS journeys FROM written GROUP BY path
)
SELECT * FROM final ORDER BY journeys DESC, path LIMIT $limit
