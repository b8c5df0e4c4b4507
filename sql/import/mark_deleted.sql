-- Marks import $import_id deleted now (its row stays, for the history and the audit).
UPDATE imports SET deleted_at = current_timestamp::TIMESTAMP WHERE import_id = $import_id
