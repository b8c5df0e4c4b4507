-- One row per schema version applied to this database: version and file name, oldest first. No $params.
SELECT version, name FROM schema_migrations ORDER BY version
