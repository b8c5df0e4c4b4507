-- One row for the case $case_id (none when no such case is in the data): when it opened, its
-- default due date, and its stored handling state (NULLs when nobody has touched it yet).
-- Slot: {{cases}} (loop_case_rollup or the loop_cases view).
SELECT
    k.case_id, k.opened_at, k.default_due, k.contact_team,
    f.case_id IS NOT NULL AS stored,
    f.status, f.owner, f.team, f.due_date, f.result, f.note, f.reopened, f.created_at,
    f.first_action_at, f.closed_at
FROM {{cases}} AS k
LEFT JOIN follow_ups AS f ON f.case_id = k.case_id
WHERE k.case_id = $case_id
