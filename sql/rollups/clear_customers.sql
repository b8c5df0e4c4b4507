-- Removes the rows of some customers from one per-customer rollup table, before they are written
-- again from the base tables. Takes no $params.
-- Slots: {{table}} (story_contact_rollup, story_answer_rollup, outcome_spans, outcome_repeaters,
-- loop_case_rollup or detractor_customer_rollup); {{customers}} (the temp table holding those
-- customers: cx_rollup_customers).
DELETE FROM {{table}} WHERE customer_id IN (SELECT customer_id FROM {{customers}})
