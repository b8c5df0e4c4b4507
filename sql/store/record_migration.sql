-- Records that schema file $name (version $version) was applied now.
INSERT INTO schema_migrations VALUES ($version, $name, current_timestamp::TIMESTAMP)
