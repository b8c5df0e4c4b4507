-- One row per accepted CSV record with its line number (header = line 1): the n-th accepted
-- record gets the n-th line number that DuckDB did not reject. $last: the highest line to consider.
-- Slot {{columns}}: the source columns, quoted.
CREATE TEMP TABLE cx_stage AS
WITH candidates AS (
    SELECT range AS line FROM range(2, $last + 1)
), free AS (
    SELECT line, row_number() OVER (ORDER BY line) AS ordinal
    FROM candidates
    WHERE line NOT IN (SELECT line FROM cx_stage_rejects)
), raw AS (
    SELECT rowid + 1 AS ordinal, * FROM cx_stage_raw
), final AS (
    SELECT free.line AS __line, {{columns}}
    FROM raw JOIN free USING (ordinal)
)
SELECT * FROM final
