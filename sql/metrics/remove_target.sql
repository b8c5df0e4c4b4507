-- Removes the target of one metric; returns no rows. $metric.
DELETE FROM targets WHERE metric = $metric
