-- The staged rows of a CSV file whose records are its lines (no blank line, no line break inside
-- a field) and that had no rejected record, each with the line it is on: the n-th row read is
-- on line n + 1 (the header is line 1). A view over cx_stage_raw, not a copy. Takes no $params.
-- Slot {{columns}}: the source columns, quoted.
CREATE TEMP VIEW cx_stage AS
SELECT rowid + 2 AS __line, {{columns}}
FROM cx_stage_raw
