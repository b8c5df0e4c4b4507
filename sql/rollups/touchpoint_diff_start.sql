-- Creates an empty temp table shaped as one touchpoint rollup table, to collect the change of its
-- rows during an incremental refresh (touchpoint_flow_rows.sql and touchpoint_path_rows.sql over
-- both sides, then touchpoint_*_net.sql and touchpoint_*_merge_*.sql). Takes no $params.
-- Slots: {{diff}} (cx_touchpoint_flow_diff or cx_touchpoint_path_diff), {{table}}
-- (journey_flow_rollup or journey_path_rollup).
CREATE TEMP TABLE {{diff}} AS SELECT * FROM {{table}} LIMIT 0
