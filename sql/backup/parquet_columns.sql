-- One row per column of the Parquet file $path: name, type as DuckDB reads it, and more.
DESCRIBE SELECT * FROM read_parquet($path)
