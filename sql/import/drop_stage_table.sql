-- Drops the staging table of a file staged earlier on this connection, if any. Takes no $params.
DROP TABLE IF EXISTS cx_stage
