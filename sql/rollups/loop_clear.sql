-- Empties one follow-up case rollup table before it is rebuilt. Takes no $params.
-- Slots: {{table}} (loop_case_rollup, detractor_customer_rollup or loop_case_counts).
DELETE FROM {{table}}
