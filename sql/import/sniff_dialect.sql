-- One row: the delimiter and quote character DuckDB's sniffer finds in the CSV file at $path.
SELECT Delimiter, Quote FROM sniff_csv($path, sample_size = 20480)
