-- One row per kind of reject of the file just checked (cx_stage_rejects and cx_row_rejects):
-- the reason (line and import numbers in it written as "…"), how many rows it rejects, and the
-- first three examples {line, column, value}. No $params.
WITH all_rejects AS (
    SELECT line, column_name, value, reason FROM cx_stage_rejects
    UNION ALL
    SELECT line, column_name, value, reason FROM cx_row_rejects
), grouped AS (
    SELECT regexp_replace(reason, '(line |import #)[0-9]+$', '\1…') AS reason,
           count(DISTINCT line) AS rows,
           list({'line': line, 'column': column_name, 'value': value} ORDER BY line)[1:3] AS examples
    FROM all_rejects
    GROUP BY ALL
)
SELECT reason, rows, examples FROM grouped ORDER BY rows DESC, reason
