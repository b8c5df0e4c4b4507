-- Removes from cx_typed the first $rows staged rows: rows under the header that describe the
-- columns instead of holding data (a survey tool's question texts and import ids:
-- guesses.label_rows), neither loaded nor rejected; returns one row, how many.
-- $rows (INTEGER: 1 or 2).
DELETE FROM cx_typed
WHERE __line IN (SELECT __line FROM cx_stage ORDER BY __line LIMIT $rows)
