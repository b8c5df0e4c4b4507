-- One row per outcome month of customer $customer_id, oldest first: revenue, churned, orders.
SELECT month, revenue, churned, orders
FROM outcomes
WHERE customer_id = $customer_id
ORDER BY month
