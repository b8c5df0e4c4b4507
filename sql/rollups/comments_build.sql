-- Writes every comment of sql/voice/comment_rows.sql (the slot named rows) into comment_rollup,
-- newest answer first (those without a date last, ties by response id). Takes no $params.
INSERT INTO comment_rollup
SELECT response_id, responded_at, customer_id, contact_id, nps, csat, comment, channel, contact_reason
FROM ({{rows}})
ORDER BY responded_at DESC NULLS LAST, response_id
