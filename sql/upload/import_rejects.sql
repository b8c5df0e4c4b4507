-- One row per rejected row and reason of one import: line, column as named in the file, value,
-- reason. $import_id.
SELECT line, column_name AS "column", value, reason
FROM import_rejects
WHERE import_id = $import_id
ORDER BY line, column_name NULLS FIRST, reason
