-- Empties outcome_spans before a rebuild. Takes no $params.
DELETE FROM outcome_spans
