-- Drops the rows of a CSV file as read (cx_stage_raw), if any. Takes no $params.
DROP TABLE IF EXISTS cx_stage_raw
