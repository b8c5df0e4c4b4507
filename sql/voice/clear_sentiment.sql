-- Removes every stored comment sentiment (before it is rebuilt, in one transaction). No $params.
DELETE FROM comment_sentiment
