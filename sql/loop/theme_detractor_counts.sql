-- One row: over survey answers with an nps score given from $date_from to $date_to (DATE,
-- inclusive days), how many there are and how many are detractors (0–6) whose comment mentions
-- theme $theme (theme_mentions, built by the voice-of-the-customer facts).
WITH scoped AS (
    SELECT
        r.nps,
        EXISTS (SELECT 1 FROM theme_mentions AS m WHERE m.response_id = r.response_id AND m.theme = $theme)
            AS mentions
    FROM responses AS r
    WHERE r.nps IS NOT NULL
      AND r.responded_at >= CAST($date_from AS TIMESTAMP)
      AND r.responded_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY
), final AS (
    SELECT count(*) AS nps_n, count(*) FILTER (WHERE nps <= 6 AND mentions) AS themed_detractors
    FROM scoped
)
SELECT * FROM final
