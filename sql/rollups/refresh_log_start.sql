-- Starts (or empties) the temp table cx_rollup_refreshes: one row per rollup family, saying how the
-- last refresh on this connection brought it up to date (full, delta or skipped), why or which
-- keys, and the seconds it took. Takes no $params.
CREATE OR REPLACE TEMP TABLE cx_rollup_refreshes (family VARCHAR, how VARCHAR, detail VARCHAR, seconds DOUBLE)
