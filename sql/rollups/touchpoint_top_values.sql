-- The rows of sql/touchpoints/top_values.sql (same order), summed from journey_flow_rollup's
-- every-day rows of one window: every contact with a customer is in exactly one journey, so the
-- contacts per touchpoint add up to the base query's counts. $window (any W the rollup kept),
-- $kind ('channel' | 'contact_reason'), $limit.
WITH coded AS (
    SELECT touchpoint, sum(contacts) AS contacts
    FROM journey_flow_rollup
    WHERE win = $window AND kind = $kind AND all_days
    GROUP BY touchpoint
), counted AS (
    SELECT CASE WHEN c.touchpoint = 0 THEN '(none)' ELSE t.value END AS touchpoint, sum(c.contacts) AS contacts
    FROM coded AS c
    LEFT JOIN journey_touchpoint_codes AS t ON t.code = c.touchpoint
    GROUP BY 1
)
SELECT touchpoint, CAST(contacts AS BIGINT) AS contacts FROM counted ORDER BY contacts DESC, touchpoint LIMIT $limit
