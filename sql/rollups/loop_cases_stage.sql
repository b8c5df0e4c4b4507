-- Stages every follow-up case of the loop_cases view in the temp table cx_loop_cases, for
-- loop_cases_build.sql to write sorted. Takes no $params. Sorting the view's rows as they are
-- computed ran out of an 800 MB memory_limit at 2.6 M cases (the view's joins and the sort, with
-- every comment, at once); staged first, the sort alone fits.
CREATE TEMP TABLE cx_loop_cases AS
SELECT
    case_id, case_kind, source_id, customer_id, opened_at, contact_id, channel, contact_reason,
    contact_team, nps, comment, default_due, saved_state
FROM loop_cases
