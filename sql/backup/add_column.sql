-- Adds a backed-up column the schema lacks (an extra attribute a file brought). No $params.
-- Slots {{table}}, {{column}}: names; {{type}}: a type name checked against a fixed grammar.
ALTER TABLE {{table}} ADD COLUMN {{column}} {{type}}
