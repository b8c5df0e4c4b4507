-- One row per staged row of the file just checked, first lines first: its line, whether it
-- would load (no reject), and each target column's value as it would be stored. $limit.
-- Slot {{columns}}: the t_N of each target, in load order (upload.py names them after the targets).
SELECT
    __line AS line,
    __line NOT IN (SELECT line FROM cx_row_rejects) AS would_load,
    {{columns}}
FROM cx_typed
ORDER BY __line
LIMIT $limit
