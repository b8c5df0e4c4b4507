-- One row: a fingerprint of every response's id and comment ("comments") and of the theme
-- dictionary ("dictionary"); the derived voice facts are rebuilt when one changes. No $params.
SELECT
    (SELECT count(*) || ':' || coalesce(sum(hash(response_id, comment)), 0)
     FROM responses WHERE trim(comment) <> '') AS comments,
    (SELECT count(*) || ':' || coalesce(sum(hash(theme, pattern)), 0) FROM themes) AS dictionary
