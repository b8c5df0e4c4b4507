-- One row: how many rows are staged (cx_stage). Takes no $params.
SELECT count(*) FROM cx_stage
