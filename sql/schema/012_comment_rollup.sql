-- Version 12: the survey comments with their contact's channel and reason, kept as a rollup
-- (cxmetrics/rollups/comment_rollups.py, docs/rollups.md). Takes no $params.
--
-- comment_rollup: the rows of sql/voice/comment_rows.sql (one per survey response with a comment,
-- with its customer, its own else its contact's, and its contact's channel and reason), as the
-- Voice of the customer queries scope comments. Joining every answer to every contact took
-- seconds at ten million contacts for a hundred thousand comments. Written with the other rollups
-- after every import and delete, newest answer first, and read only while rollup_state says it is
-- fresh; forgetting the rollup state makes the next build write it.
DELETE FROM rollup_state;

CREATE TABLE comment_rollup (
    response_id    VARCHAR,
    responded_at   TIMESTAMP,
    customer_id    VARCHAR,
    contact_id     VARCHAR,
    nps            SMALLINT,
    csat           SMALLINT,
    comment        VARCHAR,
    channel        VARCHAR,
    contact_reason VARCHAR
);
