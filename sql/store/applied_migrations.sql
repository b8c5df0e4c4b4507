-- One row per schema file this database has applied: its version. Takes no $params.
SELECT version FROM schema_migrations
