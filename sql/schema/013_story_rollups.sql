-- Version 13: one customer's contacts and survey answers kept sorted by customer, as rollups
-- (cxmetrics/rollups/story_rollups.py, docs/rollups.md). Takes no $params.
--
-- Customer story looks one customer up. The base tables are stored in file order, which is rarely
-- the customer's: finding a customer's 15 contacts scanned the customer column of all ten million
-- (about 100 ms), and their answers the two million answers (about 140 ms with the contacts the
-- answers name). Sorted by customer, the same rows sit in one row group, which DuckDB finds from
-- its min/max statistics alone (about 2 ms).
--
-- story_contact_rollup: the columns of contacts that sql/story/contacts.sql reads, for every
-- contact with a customer, sorted by customer, start and contact id.
-- story_answer_rollup: every survey answer with a customer (its own, else its contact's, as
-- everywhere), with its contact's reason and channel, sorted by that customer, answer time and id.
-- Written with the other rollups after every import and delete, read only while rollup_state says
-- they are fresh; forgetting the rollup state makes the next build write them.
DELETE FROM rollup_state;

CREATE TABLE story_contact_rollup (
    customer_id    VARCHAR,
    contact_id     VARCHAR,
    started_at     TIMESTAMP,
    channel        VARCHAR,
    contact_reason VARCHAR,
    resolved       BOOLEAN,
    agent          VARCHAR,
    team           VARCHAR,
    self_service   BOOLEAN,
    transfers      INTEGER,
    handle_seconds DOUBLE,
    prev_any_at    TIMESTAMP,
    next_any_at    TIMESTAMP,
    prev_same_at   TIMESTAMP,
    next_same_at   TIMESTAMP
);

CREATE TABLE story_answer_rollup (
    customer_id     VARCHAR,
    response_id     VARCHAR,
    responded_at    TIMESTAMP,
    survey          VARCHAR,
    contact_id      VARCHAR,
    contact_reason  VARCHAR,
    channel         VARCHAR,
    nps             SMALLINT,
    csat            SMALLINT,
    ces             SMALLINT,
    resolved_answer BOOLEAN,
    comment         VARCHAR
);
