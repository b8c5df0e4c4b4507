-- One row per team: its mean employee engagement score over the months in the range and how
-- many months that mean covers. $date_from, $date_to (DATE or NULL; months overlapping the range).
WITH scoped AS (
    SELECT team, engagement_score
    FROM engagement
    WHERE engagement_score IS NOT NULL
      AND ($date_from IS NULL OR month >= CAST(date_trunc('month', CAST($date_from AS DATE)) AS DATE))
      AND ($date_to IS NULL OR month <= CAST($date_to AS DATE))
), final AS (
    SELECT team, avg(engagement_score) AS engagement, count(*) AS engagement_months
    FROM scoped
    GROUP BY team
)
SELECT * FROM final ORDER BY team
