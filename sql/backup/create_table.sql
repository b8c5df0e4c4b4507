-- Creates an empty table shaped like the Parquet file $path (a backed-up table no migration
-- makes). Slot {{table}}: the table's name from the manifest.
CREATE TABLE {{table}} AS SELECT * FROM read_parquet($path) LIMIT 0
