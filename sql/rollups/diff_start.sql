-- Creates an empty temp table shaped as one rollup table, to collect the change of its rows during
-- an incremental refresh: each side of the change counted into it (the side before times -1), then
-- netted and merged into the table (touchpoint_*_net.sql and touchpoint_*_merge_*.sql,
-- metric_merge_*.sql). Takes no $params.
-- Slots: {{diff}} (cx_touchpoint_flow_diff, cx_touchpoint_path_diff or cx_metric_diff), {{table}}
-- (journey_flow_rollup, journey_path_rollup or contact_rollup).
CREATE TEMP TABLE {{diff}} AS SELECT * FROM {{table}} LIMIT 0
