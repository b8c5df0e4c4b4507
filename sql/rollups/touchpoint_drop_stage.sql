-- Drops the temp table the touchpoint rollup build staged its rows in. Takes no $params.
DROP TABLE IF EXISTS cx_touchpoint_stage
