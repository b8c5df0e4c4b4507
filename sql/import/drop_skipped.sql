-- Removes from cx_typed every row whose staged text matches a --skip-if (rows left out on
-- purpose, e.g. virtual calls: neither loaded nor rejected); returns one row, how many.
-- $skip_N: the skipped texts. Slot {{condition}}: "trim(<source column>) = $skip_N" joined by OR.
DELETE FROM cx_typed
WHERE __line IN (SELECT __line FROM cx_stage WHERE {{condition}})
