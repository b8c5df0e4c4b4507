-- Drops the typed rows of an earlier check in this session (cx_typed), if any. Takes no $params.
DROP TABLE IF EXISTS cx_typed
