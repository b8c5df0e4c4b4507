-- Records one import: a row of `imports`. $id, $kind, $file (the file's name), $hash (SHA-256 of
-- its bytes), $mapping and $options (JSON), $loaded and $rejected (row counts).
INSERT INTO imports
VALUES ($id, $kind, $file, $hash, $mapping, $options, $loaded, $rejected, current_timestamp::TIMESTAMP, NULL)
