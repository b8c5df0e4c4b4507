-- Adds the handling state of a case touched for the first time (one row of follow_ups).
-- $case_id, $owner, $team, $due_date, $status, $result, $note, $reopened, $created_at,
-- $updated_at, $first_action_at, $closed_at.
INSERT INTO follow_ups (case_id, owner, team, due_date, status, result, note, reopened, created_at, updated_at,
                        first_action_at, closed_at)
VALUES ($case_id, $owner, $team, $due_date, $status, $result, $note, $reopened, $created_at, $updated_at,
        $first_action_at, $closed_at)
