-- An empty staging table for a sheet: one row per data row of the sheet, `__line` its row number
-- in the sheet, every value as text. Takes no $params. Slot {{columns}}: the source columns, each
-- quoted and followed by VARCHAR.
CREATE TEMP TABLE cx_stage (__line BIGINT, {{columns}})
