-- Writes every follow-up case of the loop_cases view into loop_case_rollup. Takes no $params.
-- In the view's order: sorting the 2.6 M cases of a 10 M-contact store by opening (for the case
-- list's oldest-first reads) ran out of an 800 MB memory_limit, their comments included; the list
-- takes its oldest cases with a top-N over the table instead.
INSERT INTO loop_case_rollup
SELECT
    case_id, case_kind, source_id, customer_id, opened_at, contact_id, channel, contact_reason,
    contact_team, nps, comment, default_due, saved_state
FROM loop_cases
