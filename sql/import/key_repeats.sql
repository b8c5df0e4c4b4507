-- One row per key that more than one typed row holds: the key and the first line that holds it
-- (the later ones are rejected as duplicates). Takes no $params.
-- Slot {{key}}: the t_N aliases of the table's key columns.
CREATE TEMP TABLE cx_key_repeats AS
SELECT {{key}}, min(__line) AS __first_line
FROM cx_typed
GROUP BY {{key}}
HAVING count(*) > 1
