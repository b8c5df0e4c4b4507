-- One row: the days (DATE[]) on which the cases of the customers in cx_rollup_customers opened in
-- loop_case_rollup: read before their cases are removed and after they are written again, the
-- days whose loop_case_counts rows change. Takes no $params.
SELECT coalesce(list(DISTINCT CAST(opened_at AS DATE)), CAST([] AS DATE[])) AS days
FROM loop_case_rollup
WHERE customer_id IN (SELECT customer_id FROM cx_rollup_customers)
