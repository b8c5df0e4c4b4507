-- One row when a mapping was remembered for a file of kind $kind with the header whose signature
-- is $signature: the mapping, as JSON.
SELECT mapping FROM column_mappings WHERE kind = $kind AND header_signature = $signature
