-- One row per column of the store's table $table (in schema main): its name.
SELECT column_name
FROM information_schema.columns
WHERE table_name = $table AND table_schema = 'main'
