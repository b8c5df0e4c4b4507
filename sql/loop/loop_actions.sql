-- One row per outer-loop action: the cause (contact reason or theme), owning team, action,
-- status and the day it started, newest start first. Takes no $params.
SELECT action_id, subject_kind, subject, team, action, status, started_on, created_at, updated_at
FROM loop_actions
ORDER BY started_on DESC, action_id DESC
