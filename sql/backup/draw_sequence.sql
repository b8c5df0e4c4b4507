-- One row: the next value of the sequence named $sequence, drawn (after restart_sequence, the
-- backed-up last value, which the sequence then reports as handed out).
SELECT nextval($sequence) AS last_value
