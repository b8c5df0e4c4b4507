-- Forgets the temp table cx_moved_contacts once its rows are written. Takes no $params.
DROP TABLE IF EXISTS cx_moved_contacts
