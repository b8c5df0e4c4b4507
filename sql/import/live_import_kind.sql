-- One row when import $import_id exists and is not deleted: its kind (the table its rows are in).
SELECT kind FROM imports WHERE import_id = $import_id AND deleted_at IS NULL
