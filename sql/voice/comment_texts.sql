-- One row per response with a comment: its id and text, for scoring sentiment. No $params.
SELECT response_id, comment FROM responses WHERE trim(comment) <> '' ORDER BY response_id
