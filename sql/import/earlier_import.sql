-- One row per live import of this kind whose file had exactly these bytes: its import_id (a file
-- loaded before is not loaded twice). $hash (SHA-256 of the file), $kind.
SELECT import_id
FROM imports
WHERE content_hash = $hash AND kind = $kind AND deleted_at IS NULL
