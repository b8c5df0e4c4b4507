-- Stores (or replaces) one target; returns no rows. $metric (a key of cxmetrics.core.definitions.DEFINITIONS),
-- $target, $starts_on, $ends_on (DATE or NULL), $baseline (DOUBLE or NULL).
INSERT OR REPLACE INTO targets (metric, target, updated_at, starts_on, ends_on, baseline)
VALUES ($metric, $target, current_timestamp::TIMESTAMP, $starts_on, $ends_on, $baseline)
