-- Removes every row of theme_count_rollup (before it is rebuilt, in one transaction). No $params.
DELETE FROM theme_count_rollup
