-- Copies every row of the Parquet file $path into a table (returns one row: the count).
-- Slots {{table}} and {{columns}}: the table and its backed-up columns, the same in both.
INSERT INTO {{table}} ({{columns}}) SELECT {{columns}} FROM read_parquet($path)
