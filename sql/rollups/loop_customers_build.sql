-- Writes detractor_customer_rollup from loop_case_rollup (built just before): one row per customer
-- with a detractor case, their latest detractor answer first. Takes no $params.
INSERT INTO detractor_customer_rollup
WITH per_customer AS (
    SELECT
        customer_id,
        max(opened_at) FILTER (WHERE case_kind = 'detractor') AS last_detractor_at,
        count(*) FILTER (WHERE case_kind = 'detractor') AS detractor_answers,
        count(*) AS cases
    FROM loop_case_rollup
    GROUP BY customer_id
)
SELECT customer_id, last_detractor_at, detractor_answers, cases
FROM per_customer
WHERE detractor_answers > 0
ORDER BY last_detractor_at DESC, customer_id
