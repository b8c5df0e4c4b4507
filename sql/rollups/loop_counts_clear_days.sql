-- Removes loop_case_counts' rows of the days $days (DATE[]), before they are counted again from
-- loop_case_rollup.
DELETE FROM loop_case_counts WHERE list_contains(CAST($days AS DATE[]), day)
