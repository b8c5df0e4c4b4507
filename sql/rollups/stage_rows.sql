-- One row: how many rows a temp table an incremental refresh staged holds. Takes no $params.
-- Slot: {{table}} (cx_rollup_customers, cx_metric_flips, cx_metric_plus, ...).
SELECT count(*) AS rows FROM {{table}}
