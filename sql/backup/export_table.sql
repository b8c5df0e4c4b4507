-- Writes a whole table to the Parquet file $path (returns one row: the count). Slot {{table}}:
-- a table from the catalog.
COPY {{table}} TO $path (FORMAT parquet)
