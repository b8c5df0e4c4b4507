-- Rebuilds outcome_monthly: one row per outcome month with its customers, churned customers and
-- revenue (as sql/outcomes/monthly_outcomes.sql counts them), for every customer and again per value
-- of each rolled customers column. An outcome row's key is (customer_id, month), so counting rows
-- counts distinct customers. Customers are first summed into classes sharing a month and every
-- segment value; each copy (everyone, then each rolled column) then sums the classes by its value.
-- $seg_index, $seg_names: one entry per copy, as in outcome_summary_experience_build.sql.
-- Slot: {{segment_columns}} as there.
INSERT INTO outcome_monthly
WITH members AS (
    SELECT o.month, o.churned, o.revenue, [{{segment_columns}}] AS seg_values
    FROM outcomes AS o
    LEFT JOIN customers AS cu ON cu.customer_id = o.customer_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
), classes AS (
    SELECT
        month,
        seg_values,
        count(*) AS customers,
        count(*) FILTER (WHERE churned) AS churned_customers,
        sum(revenue) AS revenue
    FROM members
    GROUP BY month, seg_values
), copies AS (
    SELECT unnest($seg_index) AS seg_index, unnest($seg_names) AS seg_name
), copied AS (
    SELECT c.month, k.seg_name, c.seg_values[k.seg_index] AS seg_value, c.customers, c.churned_customers, c.revenue
    FROM classes AS c
    CROSS JOIN copies AS k
), final AS (
    SELECT
        month,
        seg_name,
        seg_value,
        sum(customers) AS customers,
        sum(churned_customers) AS churned_customers,
        sum(revenue) AS revenue
    FROM copied
    GROUP BY month, seg_name, seg_value
)
SELECT * FROM final
