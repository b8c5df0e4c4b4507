-- One row per column of table $table in this database's main schema: name and type, in table order.
SELECT column_name, data_type
FROM information_schema.columns
WHERE table_catalog = current_database()
  AND table_schema = 'main'
  AND table_name = $table
ORDER BY ordinal_position
