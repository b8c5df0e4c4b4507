-- An empty staging table shaped like the registered Arrow table cx_stage_columns: one row per
-- data row of a sheet or a Parquet file, `__line` (BIGINT) its row number, then every source
-- column as text (VARCHAR), named as the file names it. Takes no $params (the names come in the
-- Arrow table, so no slot is needed).
CREATE TEMP TABLE cx_stage AS SELECT * FROM cx_stage_columns
