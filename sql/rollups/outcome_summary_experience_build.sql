-- Adds outcome_summary's rows by nps_group and by csat_group: per customer, the churn flag and
-- revenue over all its outcome months, in the group of its deciding month (the first it churned in,
-- else its latest; 'no answer' without a score; each month's group from outcome_spans; as
-- sql/outcomes/outcome_counts.sql computes them), summed per group, for every customer and again per value of each rolled customers
-- column. One entry per grouping set, in the order of GROUPING(): $set_masks (its GROUPING()
-- bitmask), $seg_index (the position in {{segment_values}} of the segment filtered by; the last,
-- NULL, for none), $seg_names (that segment, or '').
-- Slots: {{segment_columns}}, {{segment_names}}, {{segment_values}} as in
-- outcome_summary_customers_build.sql; {{grouping_sets}} (the sets, each with by_name, group_value).
INSERT INTO outcome_summary
WITH experience AS (
    -- each outcome month with the groups of the span its first instant falls in
    SELECT o.customer_id, o.month, o.revenue, o.churned,
        coalesce(s.nps_group, 'no answer') AS nps_group, coalesce(s.csat_group, 'no answer') AS csat_group,
        row_number() OVER (PARTITION BY o.customer_id
                           ORDER BY coalesce(o.churned, FALSE) DESC,
                                    CASE WHEN o.churned THEN o.month END ASC, o.month DESC) AS rank
    FROM outcomes AS o
    LEFT JOIN outcome_spans AS s
      ON s.customer_id = o.customer_id
     AND (s.from_at IS NULL OR s.from_at < CAST(o.month AS TIMESTAMP))
     AND (s.until_at IS NULL OR s.until_at >= CAST(o.month AS TIMESTAMP))
), per_customer AS (
    -- each customer once, in the groups of its deciding month: the first it churned in, else its latest
    SELECT
        e.customer_id,
        any_value(e.nps_group) FILTER (WHERE e.rank = 1) AS nps_group,
        any_value(e.csat_group) FILTER (WHERE e.rank = 1) AS csat_group,
        coalesce(bool_or(e.churned), FALSE) AS churned,
        coalesce(sum(e.revenue), 0) AS revenue
    FROM experience AS e
    GROUP BY e.customer_id
), per_group AS (
    SELECT 'nps_group' AS by_name, p.customer_id, p.nps_group AS group_value, p.churned, p.revenue
    FROM per_customer AS p
    UNION ALL
    SELECT 'csat_group', p.customer_id, p.csat_group, p.churned, p.revenue
    FROM per_customer AS p
), members AS (
    SELECT p.by_name, p.group_value, p.churned, p.revenue{{segment_columns}}
    FROM per_group AS p
    LEFT JOIN customers AS cu ON cu.customer_id = p.customer_id
), classes AS (
    SELECT
        by_name,
        group_value{{segment_names}},
        count(*) AS customers,
        count(*) FILTER (WHERE churned) AS churned_customers,
        sum(revenue) AS revenue,
        sum(revenue * revenue) AS revenue_sum_sq
    FROM members
    GROUP BY by_name, group_value{{segment_names}}
), grouped AS (
    SELECT
        array_position($set_masks, GROUPING(by_name{{segment_names}})) AS set_no,
        [{{segment_values}}] AS segment_values,
        by_name,
        group_value,
        sum(customers) AS customers,
        sum(churned_customers) AS churned_customers,
        sum(revenue) AS revenue,
        sum(revenue_sum_sq) AS revenue_sum_sq
    FROM classes
    GROUP BY GROUPING SETS ({{grouping_sets}})
), final AS (
    SELECT
        by_name,
        group_value,
        CAST(NULL AS BIGINT) AS repeat_days,
        CAST(NULL AS BOOLEAN) AS same_reason,
        $seg_names[set_no] AS seg_name,
        segment_values[$seg_index[set_no]] AS seg_value,
        customers,
        churned_customers,
        revenue,
        revenue_sum_sq
    FROM grouped
)
SELECT * FROM final
