-- Drops a temp table a rollup build staged its rows in (it is dropped before the build too: a
-- build that failed left it). Takes no $params.
-- Slots: {{table}} (cx_path_codes, cx_path_repeats, cx_path_self_service, cx_touchpoint_stage or
-- cx_loop_cases; or, for an incremental refresh, cx_changed_rows, cx_rollup_customers,
-- cx_loop_cases_before, cx_loop_contacts, cx_scope_rows, cx_metric_scope, or one of the touchpoint refresh's tables: cx_touchpoint_points,
-- _union, _span, _old_contacts, _old_answers, _new_contacts, _new_answers, _latest_before,
-- _flow_diff, _path_diff, _flow_net, _path_net).
DROP TABLE IF EXISTS {{table}}
