-- One row: how many records reading the file rejected (cx_stage_rejects). Takes no $params.
SELECT count(*) FROM cx_stage_rejects
