-- One row: the last value after drawing $steps values from the sequence named $sequence (a
-- restore continues numbering where the backed-up database stopped).
SELECT max(nextval($sequence)) AS last_value FROM range($steps)
