-- Replaces the handling state of case $case_id (one row of follow_ups). $owner, $team, $due_date,
-- $status, $result, $note, $reopened, $updated_at, $first_action_at, $closed_at.
UPDATE follow_ups
SET owner = $owner, team = $team, due_date = $due_date, status = $status, result = $result, note = $note,
    reopened = $reopened, updated_at = $updated_at, first_action_at = $first_action_at, closed_at = $closed_at
WHERE case_id = $case_id
