-- One row: when the latest contact started (NULL without contacts): the censoring edge of the repeat
-- counts, which an import or delete can move. Takes no $params.
SELECT max(started_at) AS latest FROM contacts
