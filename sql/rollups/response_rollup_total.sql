-- Adds response_rollup's rows of every response once (seg_name '') by summing those of one rolled
-- segment, $seg_name, over its values, as contact_rollup_total.sql does for contacts (each of a
-- segment's passes of response_rollup_build.sql counts every response once, through keys:
-- the contact's id, the customer's id). $days and $undated: the days of an incremental refresh
-- (and the undated responses, day NULL), the only rows response_rollup holds new; $days NULL:
-- every day.
INSERT INTO response_rollup
SELECT
    day,
    channel,
    contact_reason,
    '' AS seg_name,
    CAST(NULL AS VARCHAR) AS seg_value,
    sum(nps_n) AS nps_n,
    sum(promoters) AS promoters,
    sum(detractors) AS detractors,
    sum(csat_n) AS csat_n,
    sum(csat_satisfied) AS csat_satisfied,
    sum(csat_sum) AS csat_sum,
    sum(csat_sum_sq) AS csat_sum_sq,
    sum(ces_n) AS ces_n,
    sum(ces_sum) AS ces_sum,
    sum(ces_sum_sq) AS ces_sum_sq,
    sum(ces_easy) AS ces_easy,
    sum(survey_fcr_n) AS survey_fcr_n,
    sum(survey_fcr_yes) AS survey_fcr_yes
FROM response_rollup
WHERE seg_name = $seg_name
  AND ($days IS NULL OR list_contains(CAST($days AS DATE[]), day) OR ($undated AND day IS NULL))
GROUP BY day, channel, contact_reason
