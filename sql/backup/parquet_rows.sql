-- One row: how many rows the Parquet file $path holds, from its footer (no scan of the data).
SELECT coalesce(sum(num_rows), 0) AS row_count FROM parquet_file_metadata($path)
