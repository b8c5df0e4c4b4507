-- Adds a text column for a column of the file that the canonical table does not have (an extra
-- column kept as it came). Takes no $params. Slots: {{table}}, {{column}} (checked names).
ALTER TABLE {{table}} ADD COLUMN {{column}} VARCHAR
