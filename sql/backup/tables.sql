-- One row per table of the store (base tables of this database's main schema, no views, no temp
-- tables), by name. Takes no $params. Read from the catalog so a table a later version adds is
-- backed up without a change here.
SELECT table_name
FROM information_schema.tables
WHERE table_catalog = current_database()
  AND table_schema = 'main'
  AND table_type = 'BASE TABLE'
ORDER BY table_name
