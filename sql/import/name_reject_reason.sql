-- Gives the rejects of DuckDB's error type $error_type the reason $reason (in words a user reads).
UPDATE cx_stage_rejects SET reason = $reason WHERE reason = $error_type
