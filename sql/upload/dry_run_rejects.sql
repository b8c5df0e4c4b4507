-- One row per rejected row and reason of the file just checked (the temp tables the importer
-- leaves after a run): line, column as named in the file, value, reason. Takes no $params.
WITH rejects AS (
    SELECT line, column_name, value, reason FROM cx_stage_rejects
    UNION ALL
    SELECT line, column_name, value, reason FROM cx_row_rejects
), final AS (
    SELECT line, column_name AS "column", value, reason
    FROM rejects
    ORDER BY line, column_name NULLS FIRST, reason
)
SELECT * FROM final
