-- Drops a temp table a rollup build staged its rows in (it is dropped before the build too: a
-- build that failed left it). Takes no $params.
-- Slots: {{table}} (cx_path_codes, cx_path_repeats, cx_path_self_service, cx_touchpoint_stage or
-- cx_loop_cases, or cx_changed_rows: the rows of the import an incremental refresh follows).
DROP TABLE IF EXISTS {{table}}
