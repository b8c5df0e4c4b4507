-- What story/responses.sql answers, read from story_answer_rollup while it is fresh: one row per
-- survey answer of customer $customer_id (their own, or about one of their contacts), oldest
-- first, with its NPS group and its contact's reason and channel. The rollup is sorted by
-- customer, so this reads one row group instead of scanning every answer.
WITH final AS (
    SELECT
        response_id, responded_at, survey, contact_id, contact_reason, channel, nps,
        CASE WHEN nps >= 9 THEN 'promoter' WHEN nps >= 7 THEN 'passive' WHEN nps >= 0 THEN 'detractor' END
            AS nps_group,
        csat, ces, resolved_answer, comment
    FROM story_answer_rollup
    WHERE customer_id = $customer_id
)
SELECT * FROM final ORDER BY responded_at NULLS LAST, response_id
