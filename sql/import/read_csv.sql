-- One row per record of a CSV file that split into exactly the header's fields, every value as
-- text; records that did not are written by DuckDB to the temp table cx_csv_errors.
-- $path, $delim, $quote, $columns (struct name -> 'VARCHAR'), $max_line.
CREATE TEMP TABLE cx_stage_raw AS
SELECT *
FROM read_csv($path, auto_detect = false, header = true, delim = $delim, quote = $quote,
    escape = $quote, columns = $columns, strict_mode = true, store_rejects = true,
    rejects_table = 'cx_csv_errors', rejects_scan = 'cx_csv_scans',
    max_line_size = $max_line)
