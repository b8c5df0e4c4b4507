-- Adds outcome_summary's rows by nothing (the overall rows) and by repeat_contact, for every
-- customer and again per value of each rolled customers column, and the rows by each rolled
-- customers column for every customer: per-customer churn flag and revenue over all outcome months
-- (as sql/outcomes/outcome_counts.sql computes them) summed per group. Customers are first summed
-- into classes sharing every group and segment value, so the grouping sets run over classes, not
-- over every customer.
-- $set_masks: the GROUPING() bitmask of each grouping set, in the order of {{grouping_sets}}. One
-- grouping set can hold two kinds of row (grouped by seg_1 is both "by seg_1, everyone" and
-- "everyone, filtered by seg_1"), so each kind of row is listed on its own, as the same positions
-- of: $row_sets (its grouping set's position), $by_names, $same_flags (repeat_contact rows: over
-- the same reason or any; NULL otherwise), $by_index and $seg_index (the position in
-- {{segment_values}} of the column grouped by and of the column filtered by; the last, NULL, for
-- none), $seg_names (the column filtered by, or '').
-- Slots: {{segment_columns}} (", cu."col" AS seg_1, ..." or empty), {{segment_names}} (", seg_1,
-- ..." or empty), {{segment_values}} ("seg_1, ..., CAST(NULL AS VARCHAR)" as text),
-- {{grouping_sets}} (the distinct sets).
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
        p.revenue{{segment_columns}}
    FROM per_customer AS p
    LEFT JOIN outcome_repeaters AS rp ON rp.customer_id = p.customer_id
    LEFT JOIN customers AS cu ON cu.customer_id = p.customer_id
), classes AS (
    SELECT
        within_any,
        within_same{{segment_names}},
        count(*) AS customers,
        count(*) FILTER (WHERE churned) AS churned_customers,
        sum(revenue) AS revenue,
        sum(revenue * revenue) AS revenue_sum_sq
    FROM members
    GROUP BY within_any, within_same{{segment_names}}
), grouped AS (
    SELECT
        array_position($set_masks, GROUPING(within_any, within_same{{segment_names}})) AS set_no,
        [{{segment_values}}] AS segment_values,
        within_any,
        within_same,
        sum(customers) AS customers,
        sum(churned_customers) AS churned_customers,
        sum(revenue) AS revenue,
        sum(revenue_sum_sq) AS revenue_sum_sq
    FROM classes
    GROUP BY GROUPING SETS ({{grouping_sets}})
    HAVING count(*) > 0  -- the set () still makes a row when there are no outcomes
), kinds AS (
    SELECT
        unnest($row_sets) AS set_no,
        unnest($by_names) AS by_name,
        unnest($same_flags) AS same_reason,
        unnest($by_index) AS by_index,
        unnest($seg_index) AS seg_index,
        unnest($seg_names) AS seg_name
), final AS (
    SELECT
        k.by_name,
        g.segment_values[k.by_index] AS group_value,
        CASE k.same_reason WHEN TRUE THEN g.within_same WHEN FALSE THEN g.within_any END AS repeat_days,
        k.same_reason,
        k.seg_name,
        g.segment_values[k.seg_index] AS seg_value,
        g.customers,
        g.churned_customers,
        g.revenue,
        g.revenue_sum_sq
    FROM grouped AS g
    JOIN kinds AS k ON k.set_no = g.set_no
)
SELECT * FROM final
