-- One row: how many staged records hold a line break inside a (quoted) field. Takes no $params.
-- Slot {{broken}}: an OR of line-break tests over the staged columns.
SELECT count(*) FROM cx_stage_raw WHERE {{broken}}
