-- The rows of sql/touchpoints/journey_flow.sql (same columns, same order), summed from
-- journey_flow_rollup for the journeys the filters choose by their first contact. $window (a W
-- the rollup kept), $kind ('channel' | 'contact_reason'), $all_days (true without a date filter:
-- read the every-day rows), $date_from, $date_to (DATE or NULL, whole days), $channels, $reasons
-- (VARCHAR[] or NULL = no filter), $same_reason (bool: which FCR count), $max_steps (at most the
-- step the rollup caps at), $top_values (VARCHAR[]: touchpoints kept by name, the rest 'Other').
-- Codes are summed first, then turned into text and folded: a few thousand rows, not millions.
WITH scoped AS (
    SELECT
        CAST(least(r.step, $max_steps) AS INTEGER) AS step,
        r.touchpoint,
        r.next_touchpoint,
        sum(r.contacts) AS contacts,
        sum(r.judged) AS judged,
        sum(CASE WHEN $same_reason THEN r.fcr_yes_same ELSE r.fcr_yes_any END) AS fcr_yes,
        sum(r.escalated) AS escalated,
        sum(r.nps_n) AS nps_n,
        sum(r.promoters) AS promoters,
        sum(r.detractors) AS detractors,
        sum(r.csat_n) AS csat_n,
        sum(r.csat_satisfied) AS csat_satisfied
    FROM journey_flow_rollup AS r
    WHERE r.win = $window
      AND r.kind = $kind
      AND r.all_days = $all_days
      AND ($date_from IS NULL OR r.day >= CAST($date_from AS DATE))
      AND ($date_to IS NULL OR r.day <= CAST($date_to AS DATE))
      AND ($channels IS NULL OR r.channel IN (
          SELECT code FROM journey_touchpoint_codes WHERE list_contains($channels, value)))
      AND ($reasons IS NULL OR r.contact_reason IN (
          SELECT code FROM journey_touchpoint_codes WHERE list_contains($reasons, value)))
    GROUP BY 1, 2, 3
), named AS (
    SELECT
        s.*,
        CASE WHEN s.touchpoint = 0 THEN '(none)' ELSE t.value END AS raw_touchpoint,
        CASE WHEN s.next_touchpoint = 0 THEN '(none)' ELSE n.value END AS raw_next
    FROM scoped AS s
    LEFT JOIN journey_touchpoint_codes AS t ON t.code = s.touchpoint
    LEFT JOIN journey_touchpoint_codes AS n ON n.code = s.next_touchpoint
), final AS (
    SELECT
        step,
        CASE WHEN list_contains($top_values, raw_touchpoint) THEN raw_touchpoint ELSE 'Other' END AS touchpoint,
        CASE WHEN raw_next IS NULL THEN NULL
             WHEN list_contains($top_values, raw_next) THEN raw_next ELSE 'Other' END AS next_touchpoint,
        sum(contacts) AS contacts,
        sum(judged) AS judged,
        sum(fcr_yes) AS fcr_yes,
        sum(escalated) AS escalated,
        sum(nps_n) AS nps_n,
        sum(promoters) AS promoters,
        sum(detractors) AS detractors,
        sum(csat_n) AS csat_n,
        sum(csat_satisfied) AS csat_satisfied
    FROM named
    GROUP BY 1, 2, 3
)
SELECT * FROM final ORDER BY step, touchpoint, next_touchpoint NULLS LAST
