-- Drops the row rejects of an earlier check in this session (cx_row_rejects), if any. Takes no
-- $params.
DROP TABLE IF EXISTS cx_row_rejects
