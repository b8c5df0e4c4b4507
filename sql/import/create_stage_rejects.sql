-- An empty table of the records that reading a file rejected: one row per reject, its line, the
-- column (as named in the file, or NULL for the whole record), the value and the reason. Takes no
-- $params.
CREATE TEMP TABLE cx_stage_rejects (line BIGINT, column_name VARCHAR, value VARCHAR, reason VARCHAR)
