-- One row per accepted CSV record with the line of the file it starts on (header = line 1): the
-- n-th accepted record is the n-th record that DuckDB neither rejected nor skipped as blank,
-- looked up in the registered frame cx_line_map (record, physical, blank), plus $offset: the
-- title lines above the header that the file read no longer holds (reader._title_lines).
-- $offset (INTEGER).
-- Slot {{columns}}: the source columns, quoted.
CREATE TEMP TABLE cx_stage AS
WITH free AS (
    SELECT physical, row_number() OVER (ORDER BY record) AS ordinal
    FROM cx_line_map
    WHERE record >= 2 AND NOT blank
      AND record NOT IN (SELECT line FROM cx_stage_rejects)
), raw AS (
    SELECT rowid + 1 AS ordinal, * FROM cx_stage_raw
), final AS (
    SELECT free.physical + $offset AS __line, {{columns}}
    FROM raw JOIN free USING (ordinal)
)
SELECT * FROM final
