-- Renumbers the staged rows from DuckDB's record numbers to the physical line each record
-- starts on, using the registered frame cx_line_map (record, physical). Takes no $params.
UPDATE cx_stage SET __line = m.physical FROM cx_line_map AS m WHERE cx_stage.__line = m.record
