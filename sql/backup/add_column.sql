-- Adds a backed-up column the schema lacks (an extra attribute a file brought). No $params.
-- Slots {{table}}, {{column}}: names; {{type}}: a column type (db.DdlConstant, from a fixed list).
ALTER TABLE {{table}} ADD COLUMN {{column}} {{type}}
