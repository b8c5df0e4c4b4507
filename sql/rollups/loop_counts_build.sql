-- Writes loop_case_counts from loop_case_rollup (built just before). Takes no $params.
INSERT INTO loop_case_counts
SELECT
    CAST(opened_at AS DATE) AS day, channel, contact_reason, contact_team, case_kind, saved_state, default_due,
    count(*) AS cases
FROM loop_case_rollup
GROUP BY ALL
ORDER BY day
