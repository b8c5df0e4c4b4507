-- One row per survey response behind a figure: responses in the filters whose split-by value
-- equals $value (all when the slot is NULL), newest first, at most $limit, with rows_in_total
-- (the count before the limit). $measure keeps only the answers a figure counts: 'nps', 'csat',
-- 'ces' (that score given), 'survey_fcr' (the resolved question answered), NULL (all);
-- $nps_low, $nps_high (INTEGER or NULL) keep NPS answers in that range (an NPS group).
-- $date_from, $date_to, $channels, $reasons, $segment_values as in the metrics.
-- Slots: {{dimension}} (a column of c or cu, or missing.value (NULL)), {{segment}}.
WITH scoped AS (
    SELECT r.response_id, r.responded_at, r.customer_id, r.contact_id, r.nps, r.csat, r.ces,
        r.resolved_answer, r.comment, c.channel, c.contact_reason
    FROM responses AS r
    LEFT JOIN contacts AS c ON c.contact_id = r.contact_id
    LEFT JOIN customers AS cu ON cu.customer_id = COALESCE(r.customer_id, c.customer_id)
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE ($value IS NULL OR CAST({{dimension}} AS VARCHAR) = $value)
      AND ($date_from IS NULL OR r.responded_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR r.responded_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, c.channel))
      AND ($reasons IS NULL OR list_contains($reasons, c.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
      AND ($nps_low IS NULL OR r.nps >= $nps_low)
      AND ($nps_high IS NULL OR r.nps <= $nps_high)
), counted AS (
    SELECT * FROM scoped
    WHERE $measure IS NULL
       OR ($measure = 'nps' AND nps IS NOT NULL)
       OR ($measure = 'csat' AND csat IS NOT NULL)
       OR ($measure = 'ces' AND ces IS NOT NULL)
       OR ($measure = 'survey_fcr' AND resolved_answer IS NOT NULL)
)
SELECT *, count(*) OVER () AS rows_in_total FROM counted
ORDER BY responded_at DESC NULLS LAST, response_id LIMIT $limit
