-- Writes the accepted typed rows (those with no reject) into a canonical table. $import_id.
-- Slots: {{table}}, {{columns}} (target columns), {{values}} (their t_N aliases, same order).
INSERT INTO {{table}} ({{columns}}, import_id)
SELECT {{values}}, $import_id
FROM cx_typed
WHERE __line NOT IN (SELECT line FROM cx_row_rejects)
