-- Writes one audit entry (no rows returned); $actor, $action, $import_id, $detail (JSON text).
INSERT INTO audit_log (occurred_at, actor, action, import_id, detail)
VALUES (CAST(current_timestamp AS TIMESTAMP), $actor, $action, $import_id, $detail)
