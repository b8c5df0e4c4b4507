-- One row: how many rows a temp table an incremental refresh staged holds. Takes no $params.
-- Slot: {{table}} (cx_rollup_customers).
SELECT count(*) AS rows FROM {{table}}
