-- One row per group value plus the overall row (is_overall = 1), as
-- sql/paths/self_service_failures.sql returns them (same order), summed from self_service_rollup.
-- $seg_name ('' or the rolled segment column grouped or filtered by), $date_from, $date_to (DATE
-- or NULL), $channels, $reasons, $segment_values (VARCHAR[] or NULL = no filter).
-- Slot: {{group}} (r.contact_reason, r.channel, r.seg_value, or missing.value: NULL).
WITH scoped AS (
    SELECT {{group}} AS group_value, r.self_service, r.failures
    FROM self_service_rollup AS r
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE r.seg_name = $seg_name
      AND ($date_from IS NULL OR r.day >= CAST($date_from AS DATE))
      AND ($date_to IS NULL OR r.day <= CAST($date_to AS DATE))
      AND ($channels IS NULL OR list_contains($channels, r.channel))
      AND ($reasons IS NULL OR list_contains($reasons, r.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, r.seg_value))
), final AS (
    SELECT GROUPING(group_value) AS is_overall, group_value,
        CAST(coalesce(sum(self_service), 0) AS BIGINT) AS self_service,
        CAST(coalesce(sum(failures), 0) AS BIGINT) AS failures
    FROM scoped
    GROUP BY GROUPING SETS ((), (group_value))
)
SELECT * FROM final ORDER BY is_overall DESC, group_value NULLS LAST
