-- One row per saved change of the cases in $case_ids (VARCHAR[]), oldest first: when, from which
-- status to which, and the owner, team, due date, result and note it left.
SELECT case_id, changed_at, from_status, to_status, is_reopen, owner, team, due_date, result, note
FROM follow_up_events
WHERE list_contains($case_ids, case_id)
ORDER BY changed_at, event_id
