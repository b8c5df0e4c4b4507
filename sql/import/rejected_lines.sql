-- One row: how many lines of the file just checked have at least one reject, whether it came from
-- reading the file (cx_stage_rejects) or from checking its rows (cx_row_rejects). Takes no $params.
SELECT count(DISTINCT line)
FROM (
    SELECT line FROM cx_stage_rejects
    UNION ALL
    SELECT line FROM cx_row_rejects
)
