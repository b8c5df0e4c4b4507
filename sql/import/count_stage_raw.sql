-- One row: how many records of the CSV file were read (cx_stage_raw). Takes no $params.
SELECT count(*) FROM cx_stage_raw
