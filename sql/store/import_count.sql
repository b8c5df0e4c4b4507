-- One row: how many imports were ever recorded (deleted ones too); none means a new database.
-- Takes no $params.
SELECT count(*) FROM imports
