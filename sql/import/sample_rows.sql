-- One row per sampled staged row (every source column as text), for guessing what the columns
-- hold: the first $head rows and every $step-th line after them, so that a sorted file's later
-- values (a day above 12 in June) are seen too. $head, $step.
SELECT * EXCLUDE (__line)
FROM cx_stage
WHERE __line <= $head + 1 OR __line % $step = 0
ORDER BY __line
