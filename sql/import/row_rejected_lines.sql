-- One row: how many lines of the file just checked failed a check of their values
-- (cx_row_rejects). Takes no $params.
SELECT count(DISTINCT line) FROM cx_row_rejects
