-- One row per import, newest first: id, kind, file name, when and by whom, rows loaded and
-- rejected, and whether (when, by whom) it was deleted. Takes no $params. "By whom" comes from
-- the audit log; an import made before the log existed shows none.
SELECT
    import_id,
    kind,
    file_name,
    imported_at,
    (SELECT max(a.actor) FROM audit_log AS a
     WHERE a.import_id = imports.import_id AND a.action = 'import') AS imported_by,
    rows_loaded,
    rows_rejected,
    deleted_at IS NOT NULL AS deleted,
    deleted_at,
    (SELECT max(a.actor) FROM audit_log AS a
     WHERE a.import_id = imports.import_id AND a.action = 'delete-import') AS deleted_by
FROM imports
ORDER BY import_id DESC
