-- Writes the follow-up cases staged in cx_loop_cases (loop_cases_stage.sql: every case, or
-- loop_cases_stage_customers.sql: those of some customers) into loop_case_rollup, after its rows,
-- oldest opening first (ties by case id). Takes no $params. In that order the case list's top-N
-- (the oldest cases not handled) stops reading after the first row groups: DuckDB narrows the
-- scan to openings before the N-th one found so far, and row-group statistics skip the rest
-- (90 ms down to 14 ms at 2.6 M cases). The date filters skip row groups the same way.
INSERT INTO loop_case_rollup
SELECT * FROM cx_loop_cases
ORDER BY opened_at, case_id
