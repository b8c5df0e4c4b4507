-- Fills the empty staging table (create_stage.sql) with one row per row of the Parquet file at
-- $path, every value as text; __line is the 1-based row number. The file's columns fill
-- cx_stage's source columns in order (an INSERT matches by position).
INSERT INTO cx_stage
SELECT file_row_number + 1 AS __line, CAST(COLUMNS(* EXCLUDE (file_row_number)) AS VARCHAR)
FROM read_parquet($path, file_row_number = true)
