-- Writes the follow-up cases of the loop_cases view whose customer is in cx_rollup_customers into
-- loop_case_rollup, oldest opening first as loop_cases_build.sql writes every case (though after
-- the rows already there). Takes no $params.
INSERT INTO loop_case_rollup
SELECT
    case_id, case_kind, source_id, customer_id, opened_at, contact_id, channel, contact_reason,
    contact_team, nps, comment, default_due, saved_state
FROM loop_cases
WHERE customer_id IN (SELECT customer_id FROM cx_rollup_customers)
ORDER BY opened_at, case_id
