-- One row per import, newest first: id, kind, file name, when, rows loaded and rejected, and
-- whether (and when) it was deleted. Takes no $params.
SELECT
    import_id,
    kind,
    file_name,
    imported_at,
    rows_loaded,
    rows_rejected,
    deleted_at IS NOT NULL AS deleted,
    deleted_at
FROM imports
ORDER BY import_id DESC
