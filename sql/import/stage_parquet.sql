-- One row per row of a Parquet file, every value as text; __line is the 1-based row number.
-- $path. Slot {{select}}: CAST("source" AS VARCHAR) AS "name" for each column.
CREATE TEMP TABLE cx_stage AS
SELECT file_row_number + 1 AS __line, {{select}}
FROM read_parquet($path, file_row_number = true)
