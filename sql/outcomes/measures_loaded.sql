-- One row: how many outcome rows carry a revenue value and how many a churned flag. Zero means the
-- loaded outcomes have no such measure at all, so a page shows "not loaded" instead of 0.
-- Takes no $params.
SELECT
    count(revenue) AS revenue_values,
    count(churned) AS churn_values
FROM outcomes
