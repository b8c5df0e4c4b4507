-- Renumbers the rows that did not split from record numbers to physical lines, using the
-- registered frame cx_line_map (record, physical). Takes no $params.
UPDATE cx_stage_rejects SET line = m.physical FROM cx_line_map AS m WHERE cx_stage_rejects.line = m.record
