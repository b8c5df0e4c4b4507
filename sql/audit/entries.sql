-- One row per audit entry, newest first: when, who, what, which import, details; $limit rows at most.
SELECT occurred_at, actor, action, import_id, detail
FROM audit_log
ORDER BY occurred_at DESC, import_id DESC
LIMIT $limit
