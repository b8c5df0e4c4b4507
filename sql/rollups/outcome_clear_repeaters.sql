-- Empties outcome_repeaters before a rebuild. Takes no $params.
DELETE FROM outcome_repeaters
