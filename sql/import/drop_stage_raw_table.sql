-- Drops the rows of a CSV file as read, once cx_stage holds them with their lines. Takes no
-- $params.
DROP TABLE cx_stage_raw
