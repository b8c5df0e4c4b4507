-- Changes the team, action text, status and start day of action $action_id (one row of
-- loop_actions) and returns its id (none when there is no such action).
-- $team, $action, $status, $started_on, $at (updated).
UPDATE loop_actions
SET team = $team, action = $action, status = $status, started_on = $started_on, updated_at = $at
WHERE action_id = $action_id
RETURNING action_id
