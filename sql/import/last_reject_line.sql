-- One row: the last line with a reject of reading the file, 0 when none. Takes no $params.
SELECT coalesce(max(line), 0) FROM cx_stage_rejects
