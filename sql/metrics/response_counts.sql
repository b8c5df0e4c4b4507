-- One row per value of the split-by dimension, plus the overall row (is_overall = 1): the counts
-- and sums of survey responses behind NPS, CSAT, CES and survey FCR.
-- $date_from, $date_to (DATE or NULL; responded_at, whole days), $channels, $reasons,
-- $segment_values (VARCHAR[] or NULL = no filter).
-- Slots: {{dimension}} and {{segment}}: a column of c (contacts) or cu (customers), or missing.value
-- (NULL: none chosen). $grain ('day', 'week', 'month' or NULL): the period r.__period holds, for
-- a {{dimension}} that splits by period.
-- A response follows contact dimensions through its contact_id, customer dimensions through its
-- customer_id (or its contact's customer when it has none).
WITH scoped AS (
    SELECT r.nps, r.csat, r.ces, r.resolved_answer, {{dimension}} AS group_value
    FROM (SELECT *, CAST(date_trunc($grain, responded_at) AS DATE) AS __period FROM responses) AS r
    LEFT JOIN contacts AS c ON c.contact_id = r.contact_id
    LEFT JOIN customers AS cu ON cu.customer_id = COALESCE(r.customer_id, c.customer_id)
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE ($date_from IS NULL OR r.responded_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR r.responded_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, c.channel))
      AND ($reasons IS NULL OR list_contains($reasons, c.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
), final AS (
    SELECT
        GROUPING(group_value) AS is_overall,
        group_value,
        count(nps) AS nps_n,
        count(*) FILTER (WHERE nps >= 9) AS promoters,
        count(*) FILTER (WHERE nps <= 6) AS detractors,
        count(csat) AS csat_n,
        count(*) FILTER (WHERE csat >= 4) AS csat_satisfied,
        coalesce(sum(csat), 0) AS csat_sum,
        coalesce(sum(csat * csat), 0) AS csat_sum_sq,
        count(ces) AS ces_n,
        coalesce(sum(ces), 0) AS ces_sum,
        coalesce(sum(ces * ces), 0) AS ces_sum_sq,
        count(*) FILTER (WHERE ces >= 5) AS ces_easy,
        count(resolved_answer) AS survey_fcr_n,
        count(*) FILTER (WHERE resolved_answer) AS survey_fcr_yes
    FROM scoped
    GROUP BY GROUPING SETS ((), (group_value))
)
SELECT * FROM final
