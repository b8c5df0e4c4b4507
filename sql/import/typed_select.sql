-- One row per staged row (cx_stage): its line, each target column's typed value (t_N) and, for a
-- parsed column, its cleaned text (r_N). Embedded as a subquery (the slot named rows) by
-- typed_rows.sql, which keeps it as cx_typed, and by typing_pass.sql.
-- $nulls (extra missing-value markers), $month_formats (month spellings), $fmt_N (the user's
-- strptime formats), $set_N (--set values).
-- Slots: {{cleaned}}, {{typed}} (generated expressions).
WITH cleaned AS (
    SELECT __line, {{cleaned}}
    FROM cx_stage
), typed AS (
    SELECT __line, {{typed}}
    FROM cleaned
)
SELECT * FROM typed
