-- The rows a child process staged from an upload (see cxmetrics/ingest/isolated_read.py), copied from
-- its Parquet file into this connection's staging table: one row per data row of the file, its
-- `__line` and every value as text. $path: the Parquet file in the upload's work directory.
CREATE TEMP TABLE cx_stage AS
SELECT * FROM read_parquet($path)
