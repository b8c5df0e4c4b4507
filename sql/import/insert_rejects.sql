-- Keeps every rejected row of this import: rows that did not split and rows that failed a check.
-- $import_id.
INSERT INTO import_rejects
SELECT $import_id, line, column_name, value, reason
FROM (
    SELECT line, column_name, value, reason FROM cx_stage_rejects
    UNION ALL
    SELECT line, column_name, value, reason FROM cx_row_rejects
)
