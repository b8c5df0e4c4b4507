-- Drops the rejects of reading a file staged earlier on this connection, if any. Takes no $params.
DROP TABLE IF EXISTS cx_stage_rejects
