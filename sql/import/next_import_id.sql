-- One row: the next import number (drawn from import_id_seq, so never given twice). Takes no
-- $params.
SELECT nextval('import_id_seq')
