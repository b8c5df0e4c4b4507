-- Deletes the saved view called $name (one row, or none when it is already gone).
DELETE FROM saved_views WHERE name = $name
