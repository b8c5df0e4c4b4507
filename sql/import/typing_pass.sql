-- The least typed value of every target column over the staged rows (cx_stage), nothing kept:
-- what cleaning and typing every value costs on its own, one part of the floor under the import
-- (benchmarks/import_floor.py).
-- $nulls (extra missing-value markers), $month_formats (month spellings), $fmt_N (the user's
-- strptime formats), $set_N (--set values): as typed_rows.sql.
-- Slots: {{cleaned}}, {{typed}} (generated expressions, as typed_rows.sql), {{least}} (min(t_N)
-- of each target column).
WITH cleaned AS (
    SELECT __line, {{cleaned}}
    FROM cx_stage
), typed AS (
    SELECT __line, {{typed}}
    FROM cleaned
)
SELECT {{least}} FROM typed
