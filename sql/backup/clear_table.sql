-- Removes every row of a table (the schema versions a restore's migrations wrote, replaced by
-- the backup's own). No $params. Slot {{table}}.
DELETE FROM {{table}}
