-- Empties response_rollup before a rebuild. Takes no $params.
DELETE FROM response_rollup
