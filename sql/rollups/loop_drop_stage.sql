-- Drops the temp table loop_cases_stage.sql staged the follow-up cases in. Takes no $params.
DROP TABLE IF EXISTS cx_loop_cases
