-- One row per column of the Parquet file at $path: its name, type and the rest of DESCRIBE's row.
DESCRIBE SELECT * FROM read_parquet($path)
