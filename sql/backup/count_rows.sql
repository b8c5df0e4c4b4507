-- One row: how many rows a table holds. No $params. Slot {{table}}: a table from the catalog.
SELECT count(*) AS row_count FROM {{table}}
