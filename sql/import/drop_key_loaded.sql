-- Drops the already-stored keys of an earlier check in this session (cx_key_loaded), if any.
-- Takes no $params.
DROP TABLE IF EXISTS cx_key_loaded
