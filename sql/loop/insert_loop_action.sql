-- Adds one outer-loop action (one row of loop_actions) and returns its new action_id.
-- $subject_kind, $subject, $team, $action, $status, $started_on, $at (created and updated).
INSERT INTO loop_actions (action_id, subject_kind, subject, team, action, status, started_on, created_at, updated_at)
VALUES (nextval('loop_action_seq'), $subject_kind, $subject, $team, $action, $status, $started_on, $at, $at)
RETURNING action_id
