-- Writes every follow-up case of the loop_cases view into loop_case_rollup, oldest first (ties by
-- case id), so a scan by opening time skips whole row groups. Takes no $params.
INSERT INTO loop_case_rollup
SELECT
    case_id, case_kind, source_id, customer_id, opened_at, contact_id, channel, contact_reason,
    contact_team, nps, comment, default_due, saved_state
FROM loop_cases
ORDER BY opened_at, case_id
