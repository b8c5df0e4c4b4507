-- One row per metric with a target: the metric's key and its target. Takes no $params.
SELECT metric, target FROM targets
