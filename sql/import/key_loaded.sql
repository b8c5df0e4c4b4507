-- One row per key of the typed rows that the table already holds: the key (as its t_N aliases)
-- and the first import that loaded it. Only the stored rows whose key the file has are grouped,
-- so a new import into a large table does not group all of it. Takes no $params.
-- Slots: {{table}}, {{stored_as_key}} (stored key columns AS their t_N aliases), {{key_columns}}
-- (stored key columns), {{key_match}} (stored.column = cx_typed.t_N, ANDed).
CREATE TEMP TABLE cx_key_loaded AS
SELECT {{stored_as_key}}, min(stored.import_id) AS __loaded_by
FROM {{table}} AS stored
SEMI JOIN cx_typed ON {{key_match}}
GROUP BY {{key_columns}}
