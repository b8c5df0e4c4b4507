-- One row: whether the date range $date_from .. $date_to (either NULL: open) keeps every outcome month,
-- so that outcome figures over all months (outcome_summary) answer it. TRUE when there are no outcomes.
SELECT coalesce(
    ($date_from IS NULL OR min(month) >= CAST(date_trunc('month', CAST($date_from AS DATE)) AS DATE))
    AND ($date_to IS NULL OR max(month) <= CAST($date_to AS DATE)),
    TRUE) AS covered
FROM outcome_monthly
WHERE seg_name = ''
