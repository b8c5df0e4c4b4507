-- Adds outcome_summary's rows by nothing (the overall rows) and by repeat_contact, for every
-- customer and again per value of each rolled customers column, and the rows by each rolled
-- customers column for every customer: per-customer churn flag and revenue over all outcome months
-- (as sql/outcomes/outcome_counts.sql computes them) summed per group. Customers are first summed
-- into classes sharing their repeat days and every segment value, so each kind of row then sums
-- classes, not every customer.
-- Each kind of row is listed on its own, as the same positions of: $by_names ('' or
-- repeat_contact, or the column grouped by), $same_flags (repeat_contact rows: over the same reason
-- or any; NULL otherwise), $by_index and $seg_index (the position in seg_values of the column
-- grouped by and of the column filtered by; 1, always NULL, for none), $seg_names (the column
-- filtered by, or '').
-- Slot: {{segment_columns}} as in outcome_summary_experience_build.sql.
INSERT INTO outcome_summary
WITH per_customer AS (
    SELECT
        o.customer_id,
        coalesce(bool_or(o.churned), FALSE) AS churned,
        coalesce(sum(o.revenue), 0) AS revenue
    FROM outcomes AS o
    GROUP BY o.customer_id
), members AS (
    SELECT
        rp.any_days AS within_any,
        rp.same_days AS within_same,
        p.churned,
        p.revenue,
        [{{segment_columns}}] AS seg_values
    FROM per_customer AS p
    LEFT JOIN outcome_repeaters AS rp ON rp.customer_id = p.customer_id
    LEFT JOIN customers AS cu ON cu.customer_id = p.customer_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
), classes AS (
    SELECT
        within_any,
        within_same,
        seg_values,
        count(*) AS customers,
        count(*) FILTER (WHERE churned) AS churned_customers,
        sum(revenue) AS revenue,
        sum(revenue * revenue) AS revenue_sum_sq
    FROM members
    GROUP BY within_any, within_same, seg_values
), kinds AS (
    SELECT
        unnest($by_names) AS by_name,
        unnest($same_flags) AS same_reason,
        unnest($by_index) AS by_index,
        unnest($seg_index) AS seg_index,
        unnest($seg_names) AS seg_name
), keyed AS (
    SELECT
        k.by_name,
        c.seg_values[k.by_index] AS group_value,
        CASE k.same_reason WHEN TRUE THEN c.within_same WHEN FALSE THEN c.within_any END AS repeat_days,
        k.same_reason,
        k.seg_name,
        c.seg_values[k.seg_index] AS seg_value,
        c.customers,
        c.churned_customers,
        c.revenue,
        c.revenue_sum_sq
    FROM classes AS c
    CROSS JOIN kinds AS k
), final AS (
    SELECT
        by_name,
        group_value,
        repeat_days,
        same_reason,
        seg_name,
        seg_value,
        sum(customers) AS customers,
        sum(churned_customers) AS churned_customers,
        sum(revenue) AS revenue,
        sum(revenue_sum_sq) AS revenue_sum_sq
    FROM keyed
    GROUP BY by_name, group_value, repeat_days, same_reason, seg_name, seg_value
)
SELECT * FROM final
