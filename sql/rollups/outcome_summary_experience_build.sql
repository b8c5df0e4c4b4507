-- Adds outcome_summary's rows by nps_group and by csat_group: per customer, the churn flag and
-- revenue over all its outcome months, in the group of its deciding month (the first it churned in,
-- else its latest; 'no answer' without a score; each month's group from outcome_spans; as
-- sql/outcomes/outcome_counts.sql computes them), summed per group, for every customer and again
-- per value of each rolled customers column. Customers are first summed into classes sharing every
-- group and segment value; each copy then sums the classes by its segment value.
-- $seg_index, $seg_names: one entry per copy (everyone, then each rolled customers column): the
-- position in seg_values of the column filtered by (1, always NULL, for none) and its name ('').
-- Slot: {{segment_columns}}: missing.value, then the rolled customers columns (cu."col" ...; text
-- columns, rollups.choose_segments), kept per customer as the list seg_values.
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
    SELECT p.by_name, p.group_value, p.churned, p.revenue, [{{segment_columns}}] AS seg_values
    FROM per_group AS p
    LEFT JOIN customers AS cu ON cu.customer_id = p.customer_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
), classes AS (
    SELECT
        by_name,
        group_value,
        seg_values,
        count(*) AS customers,
        count(*) FILTER (WHERE churned) AS churned_customers,
        sum(revenue) AS revenue,
        sum(revenue * revenue) AS revenue_sum_sq
    FROM members
    GROUP BY by_name, group_value, seg_values
), copies AS (
    SELECT unnest($seg_index) AS seg_index, unnest($seg_names) AS seg_name
), copied AS (
    SELECT c.by_name, c.group_value, k.seg_name, c.seg_values[k.seg_index] AS seg_value,
        c.customers, c.churned_customers, c.revenue, c.revenue_sum_sq
    FROM classes AS c
    CROSS JOIN copies AS k
), final AS (
    SELECT
        by_name,
        group_value,
        CAST(NULL AS BIGINT) AS repeat_days,
        CAST(NULL AS BOOLEAN) AS same_reason,
        seg_name,
        seg_value,
        sum(customers) AS customers,
        sum(churned_customers) AS churned_customers,
        sum(revenue) AS revenue,
        sum(revenue_sum_sq) AS revenue_sum_sq
    FROM copied
    GROUP BY by_name, group_value, seg_name, seg_value
)
SELECT * FROM final
