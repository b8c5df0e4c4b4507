-- One row per group plus the overall row (is_overall = 1), as sql/outcomes/outcome_counts.sql returns
-- them, summed from outcome_summary. $by_name (NULL: no groups), $window (days), $same_reason;
-- $seg_name, $seg_values: the overall row's segment filter ('' and NULL: none); $group_seg_name,
-- $group_seg_values, $group_values: the groups' segment filter and the group values kept (NULL: all;
-- grouping by the segment filtered by keeps its chosen values).
-- Slot: {{group}}: s.group_value, or s.repeated (repeat_contact for $window and $same_reason).
WITH summary AS (
    SELECT s.*, coalesce(s.repeat_days <= $window, FALSE) AS repeated
    FROM outcome_summary AS s
), groups AS (
    SELECT {{group}} AS group_value, s.customers, s.churned_customers, s.revenue, s.revenue_sum_sq
    FROM summary AS s
    WHERE s.by_name = $by_name
      AND (s.same_reason IS NULL OR s.same_reason = $same_reason)
      AND s.seg_name = $group_seg_name
      AND ($group_seg_values IS NULL OR list_contains($group_seg_values, s.seg_value))
      AND ($group_values IS NULL OR list_contains($group_values, s.group_value))
), overall AS (
    SELECT s.customers, s.churned_customers, s.revenue, s.revenue_sum_sq
    FROM outcome_summary AS s
    WHERE s.by_name = ''
      AND s.seg_name = $seg_name
      AND ($seg_values IS NULL OR list_contains($seg_values, s.seg_value))
), final AS (
    SELECT 0 AS is_overall, group_value, CAST(sum(customers) AS BIGINT) AS customers,
        CAST(sum(churned_customers) AS BIGINT) AS churned_customers,
        sum(revenue) AS revenue, sum(revenue_sum_sq) AS revenue_sum_sq
    FROM groups
    WHERE group_value IS NOT NULL
    GROUP BY group_value
    UNION ALL
    SELECT 1, NULL, CAST(coalesce(sum(customers), 0) AS BIGINT), CAST(coalesce(sum(churned_customers), 0) AS BIGINT),
        coalesce(sum(revenue), 0), coalesce(sum(revenue_sum_sq), 0)
    FROM overall
)
SELECT * FROM final
