-- Drops a temp table a path rollup build staged its rows in. Takes no $params.
-- Slots: {{table}} (cx_path_codes, cx_path_repeats or cx_path_self_service).
DROP TABLE IF EXISTS {{table}}
