-- One row per outcome month: customers with a row that month, those who churned that month,
-- and revenue. Takes no $params.
WITH final AS (
    SELECT
        month,
        count(DISTINCT customer_id) AS customers,
        count(DISTINCT customer_id) FILTER (WHERE churned) AS churned_customers,
        coalesce(sum(revenue), 0) AS revenue
    FROM outcomes
    GROUP BY month
)
SELECT * FROM final ORDER BY month
