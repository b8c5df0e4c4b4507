-- Empties outcome_summary before a rebuild. Takes no $params.
DELETE FROM outcome_summary
