-- Version 4: the audit log, one row per import or delete: who did it, when, and to which import.
-- Takes no $params. Written in the same transaction as the change it records, so a change
-- never lands without its entry (and a dry run, rolled back, leaves none).
CREATE TABLE audit_log (
    occurred_at TIMESTAMP NOT NULL, -- UTC
    actor     VARCHAR NOT NULL,     -- the signed-in user, "local" with sign-in off, "NAME (command line)"
    action    VARCHAR NOT NULL,     -- import | delete-import
    import_id INTEGER,
    detail    VARCHAR NOT NULL      -- JSON: kind, file name, row counts
);
