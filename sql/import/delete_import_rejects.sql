-- Removes the rejects kept for import $import_id (the rows of an import being deleted).
DELETE FROM import_rejects WHERE import_id = $import_id
