-- Version 1 of the store: the canonical tables, the import log, rejected rows, remembered
-- column mappings and the parsing macros the importer uses. Takes no $params.
-- Keys are not declared as constraints: the importer rejects duplicates itself, with a reason
-- per row, and DuckDB's constraint checks would turn a duplicate into an aborted transaction.

CREATE SEQUENCE import_id_seq START 1;

CREATE TABLE imports (
    import_id     INTEGER PRIMARY KEY,
    kind          VARCHAR NOT NULL,
    file_name     VARCHAR NOT NULL,
    content_hash  VARCHAR NOT NULL,
    mapping       VARCHAR NOT NULL,   -- JSON: {"target": "source column", ...}
    options       VARCHAR NOT NULL,   -- JSON: encoding, delimiter, date formats, null markers, set values
    rows_loaded   BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    imported_at   TIMESTAMP NOT NULL,
    deleted_at    TIMESTAMP
);

CREATE TABLE import_rejects (
    import_id   INTEGER NOT NULL,
    line        BIGINT,               -- row number as a spreadsheet shows it; the header is line 1
    column_name VARCHAR,
    value       VARCHAR,
    reason      VARCHAR NOT NULL
);

CREATE TABLE column_mappings (
    kind             VARCHAR NOT NULL,
    header_signature VARCHAR NOT NULL,  -- sha256 of the file's column names, in order
    header           VARCHAR NOT NULL,  -- JSON list of the column names
    mapping          VARCHAR NOT NULL,  -- JSON list of [source, target] pairs
    options          VARCHAR NOT NULL,  -- JSON: date formats and null markers used with it
    used_at          TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, header_signature)
);

CREATE TABLE customers (
    customer_id VARCHAR NOT NULL,
    import_id   INTEGER NOT NULL
);

CREATE TABLE contacts (
    contact_id     VARCHAR NOT NULL,
    started_at     TIMESTAMP NOT NULL,
    customer_id    VARCHAR,
    channel        VARCHAR,
    contact_reason VARCHAR,
    resolved       BOOLEAN,
    transfers      INTEGER,
    handle_seconds DOUBLE,
    agent          VARCHAR,
    team           VARCHAR,
    self_service   BOOLEAN,
    import_id      INTEGER NOT NULL,
    -- Derived at import (sql/facts/contact_neighbours.sql): when the same customer's previous
    -- and next contact started, in (started_at, contact_id) order, over any reason and over
    -- the same reason. Repeat, FCR and censoring for any window are comparisons on these.
    prev_any_at    TIMESTAMP,
    next_any_at    TIMESTAMP,
    prev_same_at   TIMESTAMP,
    next_same_at   TIMESTAMP
);

CREATE TABLE responses (
    response_id     VARCHAR NOT NULL,
    responded_at    TIMESTAMP,
    customer_id     VARCHAR,
    contact_id      VARCHAR,
    nps             SMALLINT,
    csat            SMALLINT,
    ces             SMALLINT,
    resolved_answer BOOLEAN,
    comment         VARCHAR,
    survey          VARCHAR,
    import_id       INTEGER NOT NULL
);

CREATE TABLE outcomes (
    customer_id VARCHAR NOT NULL,
    month       DATE NOT NULL,        -- first day of the month
    revenue     DOUBLE,
    churned     BOOLEAN,
    orders      DOUBLE,
    import_id   INTEGER NOT NULL
);

CREATE TABLE engagement (
    team             VARCHAR NOT NULL,
    month            DATE NOT NULL,
    engagement_score DOUBLE,
    import_id        INTEGER NOT NULL
);

-- Parsing macros: text in, typed value or NULL out. NULL from a non-NULL input means
-- "cannot be read as this type", which the importer turns into a reject with a reason.
CREATE MACRO cx_clean(x, nulls) AS
    CASE WHEN x IS NULL OR trim(x) = '' OR list_contains(nulls, trim(x)) THEN NULL ELSE trim(x) END;

-- Whole numbers only: "9" and "9.0" read, "9.5" does not (a cast would round it silently).
CREATE MACRO cx_integer(x) AS
    CASE WHEN regexp_full_match(x, '[+-]?[0-9]{1,15}(\.0*)?') THEN CAST(CAST(x AS DOUBLE) AS BIGINT) END;

-- A decimal comma ("12,5") is read as a decimal point when it is the only separator.
CREATE MACRO cx_real(x) AS
    CASE WHEN regexp_full_match(x, '[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?') THEN CAST(x AS DOUBLE)
         WHEN regexp_full_match(x, '[+-]?[0-9]+,[0-9]+') THEN CAST(replace(x, ',', '.') AS DOUBLE) END;

CREATE MACRO cx_boolean(x) AS
    CASE WHEN lower(x) IN ('true', 'yes', 'y', '1') THEN TRUE
         WHEN lower(x) IN ('false', 'no', 'n', '0') THEN FALSE END;
