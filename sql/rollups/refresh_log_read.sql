-- One row per rollup family the last refresh on this connection went through, in its order: how it
-- was brought up to date (full, delta or skipped), why or which keys, and the seconds it took.
-- Takes no $params.
SELECT family, how, detail, seconds FROM cx_rollup_refreshes
