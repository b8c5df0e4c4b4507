-- Renames the saved view called $old to $new (one row, or none when $old is gone). Returns the
-- rows changed as a count.
UPDATE saved_views SET name = $new WHERE name = $old
