-- The records a child process could not split into fields (line, column_name, value, reason),
-- copied from its Parquet file into this connection's cx_stage_rejects. $path: that file.
INSERT INTO cx_stage_rejects
SELECT line, column_name, value, reason FROM read_parquet($path)
