"""The DuckDB store: connections and queries from sql/, the audit log, workspaces, the segment dimensions and the rollups' freshness state."""
