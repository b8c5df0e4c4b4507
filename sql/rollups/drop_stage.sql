-- Drops a temp table a rollup build staged its rows in (it is dropped before the build too: a
-- build that failed left it). Takes no $params.
-- Slots: {{table}} (cx_path_codes, cx_path_repeats, cx_path_self_service, cx_touchpoint_stage or
-- cx_loop_cases; or, for an incremental refresh, cx_changed_rows, cx_rollup_customers,
-- cx_scope_rows, cx_touchpoint_touched, cx_touchpoint_keys, cx_touchpoint_scope,
-- cx_touchpoint_flow_diff or cx_touchpoint_path_diff).
DROP TABLE IF EXISTS {{table}}
