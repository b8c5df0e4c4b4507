-- Removes the target of metric $metric, if it has one.
DELETE FROM targets WHERE metric = $metric
