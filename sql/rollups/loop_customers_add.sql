-- Writes detractor_customer_rollup's rows of the customers in cx_rollup_customers from
-- loop_case_rollup (their cases written just before), as loop_customers_build.sql writes every
-- customer's (sorted the same way, though after the rows already there). Takes no $params.
INSERT INTO detractor_customer_rollup
WITH per_customer AS (
    SELECT
        customer_id,
        max(opened_at) FILTER (WHERE case_kind = 'detractor') AS last_detractor_at,
        count(*) FILTER (WHERE case_kind = 'detractor') AS detractor_answers,
        count(*) AS cases
    FROM loop_case_rollup
    WHERE customer_id IN (SELECT customer_id FROM cx_rollup_customers)
    GROUP BY customer_id
)
SELECT customer_id, last_detractor_at, detractor_answers, cases
FROM per_customer
WHERE detractor_answers > 0
ORDER BY last_detractor_at DESC, customer_id
