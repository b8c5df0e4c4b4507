-- Empties outcome_monthly before a rebuild. Takes no $params.
DELETE FROM outcome_monthly
