-- One row when options were remembered for a file of kind $kind with the header whose signature
-- is $signature: the options, as JSON.
SELECT options FROM column_mappings WHERE kind = $kind AND header_signature = $signature
