-- One row per staged row: its line, each target column's typed value (t_N) and, for a parsed
-- column, its cleaned text (r_N), and the import that already holds the row's key.
-- $nulls (extra missing-value markers), $month_formats (month spellings), $fmt_N (the user's
-- strptime formats), $set_N (--set values).
-- Slots: {{cleaned}}, {{typed}} (generated expressions), {{table}}, {{key_columns}},
-- {{loaded_join}}.
CREATE TEMP TABLE cx_typed AS
WITH cleaned AS (
    SELECT __line, {{cleaned}}
    FROM cx_stage
), typed AS (
    SELECT __line, {{typed}}
    FROM cleaned
), loaded AS (
    SELECT {{key_columns}}, min(import_id) AS import_id
    FROM {{table}}
    GROUP BY {{key_columns}}
), final AS (
    SELECT typed.*, loaded.import_id AS __loaded_by
    FROM typed
    LEFT JOIN loaded ON {{loaded_join}}
)
SELECT * FROM final
