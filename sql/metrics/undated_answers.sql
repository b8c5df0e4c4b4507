-- One row: how many survey answers carry each score (and a comment) but no responded_at, so that no date range
-- holds them (they count only while the dashboard shows every date). Takes no $params.
SELECT
    count(nps) AS nps,
    count(csat) AS csat,
    count(ces) AS ces,
    count(resolved_answer) AS survey_fcr,
    count(nullif(trim(comment), '')) AS comments
FROM responses
WHERE responded_at IS NULL
