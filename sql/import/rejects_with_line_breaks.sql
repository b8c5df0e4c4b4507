-- One row: how many records DuckDB rejected hold a line break inside (after their leading ones).
-- Takes no $params.
SELECT count(*)
FROM cx_csv_errors
WHERE regexp_matches(ltrim(csv_line, chr(10) || chr(13)), '[\r\n]')
