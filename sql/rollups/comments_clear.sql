-- Empties comment_rollup before it is rebuilt. Takes no $params.
DELETE FROM comment_rollup
