-- Drops the staging view of a plain CSV file staged earlier on this connection (see
-- number_lines_plain.sql). Takes no $params.
DROP VIEW cx_stage
