-- Appends one batch of a sheet's rows (the registered Arrow table cx_excel_batch: the row's line,
-- then its values in the order of cx_stage's columns) to the staging table. Takes no $params.
INSERT INTO cx_stage SELECT * FROM cx_excel_batch
