-- One row per staged row: its line, each target column's cleaned text (r_N) and typed value
-- (t_N), the first line in the file with the same key, and the import that already holds the key.
-- $nulls (extra missing-value markers), $month_formats (month spellings), $fmt_N (the user's
-- strptime formats), $set_N (--set values).
-- Slots: {{cleaned}}, {{typed}} (generated expressions), {{key}} (key aliases), {{table}},
-- {{key_columns}}, {{loaded_join}}.
CREATE TEMP TABLE cx_typed AS
WITH cleaned AS (
    SELECT __line, {{cleaned}}
    FROM cx_stage
), typed AS (
    SELECT *, {{typed}}
    FROM cleaned
), loaded AS (
    SELECT {{key_columns}}, min(import_id) AS import_id
    FROM {{table}}
    GROUP BY {{key_columns}}
), final AS (
    SELECT
        typed.*,
        min(__line) OVER (PARTITION BY {{key}}) AS __first_line,
        loaded.import_id AS __loaded_by
    FROM typed
    LEFT JOIN loaded ON {{loaded_join}}
)
SELECT * FROM final
