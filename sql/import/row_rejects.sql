-- One row per failed check of a typed row: line, column (as named in the file), value, reason.
-- $col_N, $why_N, $low_N, $high_N: labels, reasons and bounds of the checks.
-- Slots: {{checks}} (one CASE per check yielding a struct or NULL), {{key}} (the key's t_N
-- aliases, matched in cx_key_repeats for the first line of a repeated key and in cx_key_loaded
-- for the import that already holds it).
CREATE TEMP TABLE cx_row_rejects AS
WITH failed AS (
    SELECT __line, unnest(list_filter([{{checks}}], lambda x: x IS NOT NULL)) AS problem
    FROM cx_typed
    LEFT JOIN cx_key_repeats USING ({{key}})
    LEFT JOIN cx_key_loaded USING ({{key}})
), final AS (
    SELECT __line AS line, problem.column_name, problem.value, problem.reason
    FROM failed
)
SELECT * FROM final
