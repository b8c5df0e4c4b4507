-- One row per group plus the overall row (is_overall = 1), as sql/metrics/response_counts.sql
-- returns them, summed from response_rollup. $seg_name, $date_from, $date_to, $channels,
-- $reasons, $segment_values: as in sql/rollups/contact_counts.sql.
-- Slots: {{group}} (a column of r: channel, contact_reason, seg_value or one of rolled_groups.sql's
-- named groups); {{rollup}}: response_rollup.
WITH rolled AS (
    {{> rollups/rolled_groups}}
), scoped AS (
    SELECT {{group}} AS group_value, r.*
    FROM rolled AS r
    WHERE r.seg_name = $seg_name
      AND ($date_from IS NULL OR r.day >= CAST($date_from AS DATE))
      AND ($date_to IS NULL OR r.day <= CAST($date_to AS DATE))
      AND ($channels IS NULL OR list_contains($channels, r.channel))
      AND ($reasons IS NULL OR list_contains($reasons, r.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, r.seg_value))
), final AS (
    SELECT
        GROUPING(group_value) AS is_overall,
        group_value,
        CAST(coalesce(sum(nps_n), 0) AS BIGINT) AS nps_n,
        CAST(coalesce(sum(promoters), 0) AS BIGINT) AS promoters,
        CAST(coalesce(sum(detractors), 0) AS BIGINT) AS detractors,
        CAST(coalesce(sum(csat_n), 0) AS BIGINT) AS csat_n,
        CAST(coalesce(sum(csat_satisfied), 0) AS BIGINT) AS csat_satisfied,
        coalesce(sum(csat_sum), 0) AS csat_sum,
        coalesce(sum(csat_sum_sq), 0) AS csat_sum_sq,
        CAST(coalesce(sum(ces_n), 0) AS BIGINT) AS ces_n,
        coalesce(sum(ces_sum), 0) AS ces_sum,
        coalesce(sum(ces_sum_sq), 0) AS ces_sum_sq,
        CAST(coalesce(sum(ces_easy), 0) AS BIGINT) AS ces_easy,
        CAST(coalesce(sum(survey_fcr_n), 0) AS BIGINT) AS survey_fcr_n,
        CAST(coalesce(sum(survey_fcr_yes), 0) AS BIGINT) AS survey_fcr_yes
    FROM scoped
    GROUP BY GROUPING SETS ((), (group_value))
)
SELECT * FROM final
