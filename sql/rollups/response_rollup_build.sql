-- Adds response_rollup's rows for one segment: one per day answered × the contact's channel and
-- reason × value of the segment (long form, see sql/schema/007_rollups.sql), with the counts and
-- sums of sql/metrics/response_counts.sql. Undated responses have day NULL; responses without a
-- contact have channel and reason NULL. $seg_name and {{segment}}: as in contact_rollup_build.sql.
-- $days (DATE[]: count only the responses of these days, and the undated ones when $undated, for an
-- incremental refresh; NULL: every response).
-- A response follows contact segments through its contact_id and customer segments through its
-- customer_id (or its contact's customer when it has none), as the base query does.
INSERT INTO response_rollup
WITH answered AS (
    SELECT
        CAST(r.responded_at AS DATE) AS day,
        c.channel,
        c.contact_reason,
        {{segment}} AS seg_value,
        r.nps, r.csat, r.ces, r.resolved_answer
    FROM responses AS r
    LEFT JOIN contacts AS c ON c.contact_id = r.contact_id
    LEFT JOIN customers AS cu ON cu.customer_id = COALESCE(r.customer_id, c.customer_id)
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE $days IS NULL OR list_contains(CAST($days AS DATE[]), CAST(r.responded_at AS DATE)) OR ($undated AND r.responded_at IS NULL)
)
SELECT
    day,
    channel,
    contact_reason,
    $seg_name AS seg_name,
    CAST(seg_value AS VARCHAR) AS seg_value,
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
FROM answered
GROUP BY day, channel, contact_reason, seg_value
