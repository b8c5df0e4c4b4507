-- Drops DuckDB's table of CSV scans, from an earlier file. Takes no $params.
DROP TABLE IF EXISTS cx_csv_scans
