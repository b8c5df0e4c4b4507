-- One row: a date read with the strptime format $format (the query fails when DuckDB cannot use
-- the format, which is what it is run for).
SELECT try_strptime('2000-01-01', $format)
