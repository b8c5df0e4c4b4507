-- One row per outcome month, as sql/outcomes/monthly_outcomes.sql returns them, summed from
-- outcome_monthly. $date_from, $date_to (outcome months overlapping the range); $seg_name,
-- $seg_values: the segment filter ('' and NULL: none).
WITH scoped AS (
    SELECT m.*
    FROM outcome_monthly AS m
    WHERE m.seg_name = $seg_name
      AND ($seg_values IS NULL OR list_contains($seg_values, m.seg_value))
      AND ($date_from IS NULL OR m.month >= CAST(date_trunc('month', CAST($date_from AS DATE)) AS DATE))
      AND ($date_to IS NULL OR m.month <= CAST($date_to AS DATE))
), final AS (
    SELECT
        month,
        CAST(sum(customers) AS BIGINT) AS customers,
        CAST(sum(churned_customers) AS BIGINT) AS churned_customers,
        coalesce(sum(revenue), 0) AS revenue
    FROM scoped
    GROUP BY month
)
SELECT * FROM final ORDER BY month
