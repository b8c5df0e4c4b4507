-- Stores $target as the target of metric $metric (one row per metric, replacing any earlier one).
INSERT OR REPLACE INTO targets VALUES ($metric, $target, current_timestamp::TIMESTAMP)
