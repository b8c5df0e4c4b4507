-- Drops DuckDB's table of CSV records it could not read, from an earlier file. Takes no $params.
DROP TABLE IF EXISTS cx_csv_errors
