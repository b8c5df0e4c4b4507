-- Empties one touchpoint rollup table before it is rebuilt. Takes no $params.
-- Slots: {{table}} (journey_touchpoint_codes, journey_flow_rollup or journey_path_rollup).
DELETE FROM {{table}}
