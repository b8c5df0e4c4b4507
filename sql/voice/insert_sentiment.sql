-- Stores the sentiment of many comments at once: $response_ids (VARCHAR[]) and $sentiments
-- (DOUBLE[]), element i of each making one row.
INSERT INTO comment_sentiment (response_id, sentiment)
SELECT $response_ids[i], $sentiments[i]
FROM range(1, len($response_ids) + 1) AS t(i)
