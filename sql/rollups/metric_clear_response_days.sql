-- Removes response_rollup's rows of the days $days (DATE[]), and those of undated responses when
-- $undated, every segment, before they are counted again from the base tables.
DELETE FROM response_rollup WHERE list_contains(CAST($days AS DATE[]), day) OR ($undated AND day IS NULL)
