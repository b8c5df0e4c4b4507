-- Drops the repeated keys of an earlier check in this session (cx_key_repeats), if any. Takes no
-- $params.
DROP TABLE IF EXISTS cx_key_repeats
