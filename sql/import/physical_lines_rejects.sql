-- Renumbers the rows that did not split from record numbers to physical lines, using the
-- registered frame cx_line_map (record, physical), plus $offset: the title lines above the header
-- that the file read no longer holds (reader._title_lines). $offset (INTEGER).
UPDATE cx_stage_rejects SET line = m.physical + $offset FROM cx_line_map AS m WHERE cx_stage_rejects.line = m.record
