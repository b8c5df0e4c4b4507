-- Rebuilds outcome_monthly: one row per outcome month with its customers, churned customers and
-- revenue (as sql/outcomes/monthly_outcomes.sql counts them), for every customer and again per value
-- of each rolled customers column. An outcome row's key is (customer_id, month), so counting rows
-- counts distinct customers. One entry per grouping set, in the order of GROUPING(): $set_masks,
-- $seg_index, $seg_names as in outcome_summary_experience_build.sql.
-- Slots: {{segment_columns}}, {{segment_names}}, {{segment_values}} as there; {{grouping_sets}} (the
-- sets, each with month).
INSERT INTO outcome_monthly
WITH members AS (
    SELECT o.month, o.churned, o.revenue{{segment_columns}}
    FROM outcomes AS o
    LEFT JOIN customers AS cu ON cu.customer_id = o.customer_id
), classes AS (
    SELECT
        month{{segment_names}},
        count(*) AS customers,
        count(*) FILTER (WHERE churned) AS churned_customers,
        sum(revenue) AS revenue
    FROM members
    GROUP BY month{{segment_names}}
), grouped AS (
    SELECT
        array_position($set_masks, GROUPING(month{{segment_names}})) AS set_no,
        [{{segment_values}}] AS segment_values,
        month,
        sum(customers) AS customers,
        sum(churned_customers) AS churned_customers,
        sum(revenue) AS revenue
    FROM classes
    GROUP BY GROUPING SETS ({{grouping_sets}})
), final AS (
    SELECT
        month,
        $seg_names[set_no] AS seg_name,
        segment_values[$seg_index[set_no]] AS seg_value,
        customers,
        churned_customers,
        revenue
    FROM grouped
)
SELECT * FROM final
