-- Drops a table of a lake build's engine when it is there: a workspace table an in-memory DuckDB
-- replaces by a view over the lake's files, a table Spark wrote a rollup into before it was copied
-- out, or the contacts and contact_facts a build derived (made again when contacts are appended).
-- Takes no $params. Slot: {{table}}.
DROP TABLE IF EXISTS {{table}}
