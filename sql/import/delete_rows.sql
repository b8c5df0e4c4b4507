-- Deletes every row an import loaded into its table; returns one row with the count. $import_id.
-- Slot {{table}}: the import's kind.
DELETE FROM {{table}} WHERE import_id = $import_id
