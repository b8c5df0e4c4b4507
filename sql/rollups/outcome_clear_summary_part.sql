-- Removes one part of outcome_summary before it is counted again: with $experience, the rows by
-- nps_group and csat_group (outcome_summary_experience_build.sql, which reads the spans a change of
-- responses moves); else every other row (outcome_summary_customers_build.sql, which reads the
-- repeat days a change of contacts moves). $experience (BOOLEAN).
DELETE FROM outcome_summary
WHERE (by_name IN ('nps_group', 'csat_group')) = $experience
