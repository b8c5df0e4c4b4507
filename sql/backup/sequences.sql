-- One row per sequence of this database: name, start, step and the last value handed out (NULL
-- when never used). No $params. DuckDB's catalog: sequences have no standard view.
SELECT sequence_name, start_value, increment_by, last_value
FROM duckdb_sequences()
WHERE database_name = current_database() AND NOT temporary
ORDER BY sequence_name
