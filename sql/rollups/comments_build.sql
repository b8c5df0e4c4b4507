-- Writes every comment of sql/voice/comment_rows.sql (included) into comment_rollup,
-- newest answer first (those without a date last, ties by response id). Takes no $params.
INSERT INTO comment_rollup
SELECT response_id, responded_at, customer_id, contact_id, nps, csat, comment, channel, contact_reason
FROM (
    {{> voice/comment_rows}}
)
ORDER BY responded_at DESC NULLS LAST, response_id
