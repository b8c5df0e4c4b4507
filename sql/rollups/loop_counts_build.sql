-- Writes loop_case_counts from loop_case_rollup (built just before). $days (DATE[]: only the cases
-- opened on these days, for an incremental refresh; NULL: every case).
INSERT INTO loop_case_counts
SELECT
    CAST(opened_at AS DATE) AS day, channel, contact_reason, contact_team, case_kind, saved_state, default_due,
    count(*) AS cases
FROM loop_case_rollup
WHERE $days IS NULL OR list_contains(CAST($days AS DATE[]), CAST(opened_at AS DATE))
GROUP BY ALL
ORDER BY day
