-- The rows of a canonical table as a lake holds them: the columns a file feeds, without the
-- provenance and derived facts. Takes no $params. Slots: {{columns}}, {{table}}.
SELECT {{columns}}
FROM {{table}}
