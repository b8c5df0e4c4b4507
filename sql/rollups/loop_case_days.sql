-- One row: the days (DATE[]) whose loop_case_counts rows a refresh changes: those of the cases
-- counted differently before (cx_loop_cases_before, loop_cases_before.sql) and after
-- (cx_loop_cases, loop_cases_stage_customers.sql) for the customers it rewrites. A day on which
-- their cases count the same, by every column loop_counts_build.sql counts by, keeps its rows:
-- most of a customer's cases do not change when a day of contacts is added, and recounting every
-- day any of them opened on (all 367 of the year, for a day of 5,000 contacts at ten million) read
-- the whole rollup again. Takes no $params.
WITH after AS (
    SELECT
        CAST(opened_at AS DATE) AS day, channel, contact_reason, contact_team, case_kind, saved_state,
        default_due
    FROM cx_loop_cases
), gone AS (
    SELECT * FROM cx_loop_cases_before
    EXCEPT ALL
    SELECT * FROM after
), came AS (
    SELECT * FROM after
    EXCEPT ALL
    SELECT * FROM cx_loop_cases_before
), moved AS (
    SELECT day FROM gone
    UNION ALL
    SELECT day FROM came
)
SELECT coalesce(list(DISTINCT day), CAST([] AS DATE[])) AS days
FROM moved
