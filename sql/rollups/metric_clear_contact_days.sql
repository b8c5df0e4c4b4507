-- Removes contact_rollup's rows of the days $days (DATE[]), every segment, before they are counted
-- again from the base tables.
DELETE FROM contact_rollup WHERE list_contains(CAST($days AS DATE[]), day)
