-- Removes one path rollup table's rows of the days $days (DATE[]), every path and segment copy,
-- before they are counted again from the base tables.
-- Slots: {{table}} (repeat_path_rollup or self_service_rollup).
DELETE FROM {{table}} WHERE list_contains(CAST($days AS DATE[]), day)
