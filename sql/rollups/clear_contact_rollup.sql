-- Empties contact_rollup before a rebuild. Takes no $params.
DELETE FROM contact_rollup
