-- One row per metric with a target: its key, the target, the sprint's start and end days and the
-- baseline on the start day (all three NULL for a target without a sprint). Takes no $params.
SELECT metric, target, starts_on, ends_on, baseline FROM targets ORDER BY metric
