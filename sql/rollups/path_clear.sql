-- Empties one path rollup table before it is rebuilt. Takes no $params.
-- Slots: {{table}} (repeat_path_rollup or self_service_rollup).
DELETE FROM {{table}}
