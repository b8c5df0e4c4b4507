-- Writes the comment rows (sql/voice/comment_rows.sql, included) of the responses a
-- change touches into comment_rollup, newest answer first as comments_build.sql writes every
-- comment (though after the rows already there). Takes no $params.
-- Slot: {{key}} (response_id or contact_id, as comments_clear_changed.sql).
INSERT INTO comment_rollup
SELECT response_id, responded_at, customer_id, contact_id, nps, csat, comment, channel, contact_reason
FROM (
    {{> voice/comment_rows}}
) AS r
WHERE r.{{key}} IN (SELECT {{key}} FROM cx_changed_rows)
ORDER BY responded_at DESC NULLS LAST, response_id
