-- One row per CSV record that could not be split into the header's fields: its line, the text
-- of the record (cut to 500 characters) and DuckDB's error type. Takes no $params.
INSERT INTO cx_stage_rejects
SELECT line, NULL, left(any_value(csv_line), 500), any_value(error_type)::VARCHAR
FROM cx_csv_errors
GROUP BY line
