-- Remembers the mapping and options used for a file of kind $kind with this header, replacing any
-- remembered before: one row of column_mappings. $kind, $signature (of the header), $header,
-- $mapping and $options (JSON).
INSERT OR REPLACE INTO column_mappings
VALUES ($kind, $signature, $header, $mapping, $options, current_timestamp::TIMESTAMP)
