-- One row per reject of the file just checked, first lines first, at most $n: line, column (as
-- named in the file), value, reason; rejects from reading the file and from checking its rows.
SELECT line, column_name, value, reason
FROM (
    SELECT * FROM cx_stage_rejects
    UNION ALL
    SELECT * FROM cx_row_rejects
)
ORDER BY line
LIMIT $n
