-- Drops a table of a lake build's engine when it is there: a workspace table an in-memory DuckDB
-- replaces by a view over the lake's files, or a table Spark wrote a rollup into before it was
-- copied out. Takes no $params. Slot: {{table}}.
DROP TABLE IF EXISTS {{table}}
