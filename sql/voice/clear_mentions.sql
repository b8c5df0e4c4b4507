-- Removes every derived theme mention (before they are rebuilt, in one transaction). No $params.
DELETE FROM theme_mentions
