-- Version 18: a target is a sprint (docs/metrics.md "Targets and status"): the day it starts, the
-- day it should be reached by (12 weeks later unless set) and the baseline the figure stood at on
-- the start day. The path runs straight from the baseline to the target. Targets set before this
-- version keep NULL in all three: a flat path at the target itself. Takes no $params.
ALTER TABLE targets ADD COLUMN starts_on DATE;
ALTER TABLE targets ADD COLUMN ends_on DATE;
ALTER TABLE targets ADD COLUMN baseline DOUBLE;
