-- One row with one value per column of the CSV file as read (cx_stage_raw): whether any record
-- holds a line break inside that (quoted) field; NULL for a column with no value. Takes no
-- $params. COLUMNS(*) rather than a slot: every column of cx_stage_raw is a source column.
SELECT bool_or(contains(COLUMNS(*), chr(10)) OR contains(COLUMNS(*), chr(13)))
FROM cx_stage_raw
