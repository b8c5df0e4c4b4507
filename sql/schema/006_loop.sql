-- Version 6: closing the loop. The follow-up cases derived from the data (a view), the handling
-- state of each case and its history, and the outer-loop actions on causes. Takes no $params.
--
-- A case is either a detractor response (nps 0–6) or an unresolved complaint (a contact logged
-- with resolved = false); it needs a customer (from the response, or its contact) to call back,
-- and a time it was opened. Cases are never stored: they follow the data. `follow_ups` holds only
-- the handling state of cases someone has touched; an untouched case is open and unassigned.

CREATE VIEW loop_cases AS
WITH answered AS (
    SELECT
        r.response_id, r.responded_at, COALESCE(r.customer_id, c.customer_id) AS customer_id,
        r.contact_id, c.channel, c.contact_reason, c.team, r.nps, r.comment
    FROM responses AS r
    LEFT JOIN contacts AS c ON c.contact_id = r.contact_id
), raw_cases AS (
    SELECT
        'response:' || response_id AS case_id, 'detractor' AS case_kind, response_id AS source_id,
        customer_id, responded_at AS opened_at, contact_id, channel, contact_reason,
        team AS contact_team, nps, comment
    FROM answered
    WHERE nps <= 6 AND responded_at IS NOT NULL AND customer_id IS NOT NULL
    UNION ALL
    SELECT
        'contact:' || contact_id, 'complaint', contact_id, customer_id, started_at, contact_id, channel,
        contact_reason, team, CAST(NULL AS SMALLINT), CAST(NULL AS VARCHAR)
    FROM contacts
    WHERE resolved = FALSE AND customer_id IS NOT NULL
), dated AS (
    SELECT
        *,
        CAST(opened_at AS DATE) AS opened_on,
        CAST(EXTRACT(ISODOW FROM opened_at) AS INTEGER) AS weekday  -- 1 = Monday … 7 = Sunday
    FROM raw_cases
), final AS (
    SELECT
        case_id, case_kind, source_id, customer_id, opened_at, contact_id, channel, contact_reason,
        contact_team, nps, comment,
        -- Default due date: 2 working days (Monday–Friday, no holiday calendar) after the day the
        -- case opened; a case opened on a weekend counts from the Friday before. Mirrored by
        -- cxmetrics.engine.follow_ups.default_due, and a test keeps the two equal.
        CAST(
            opened_on
            - INTERVAL '1' DAY * CAST(greatest(weekday - 5, 0) AS INTEGER)
            + INTERVAL '1' DAY * CAST(2 + 2 * floor((least(weekday, 5) - 1 + 2) / 5) AS INTEGER)
            AS DATE
        ) AS default_due,
        -- Saved (detractors only): churned in the month of the answer or any later month -> 'churned';
        -- else a later answer with nps >= 7, or a later outcome month with churned = false -> 'saved';
        -- else 'unknown' (too early to tell). Churn wins over a later good score.
        CASE WHEN case_kind = 'detractor' THEN
            CASE
                WHEN EXISTS (
                    SELECT 1 FROM outcomes AS o
                    WHERE o.customer_id = dated.customer_id AND o.churned
                      AND o.month >= CAST(date_trunc('month', dated.opened_at) AS DATE)
                ) THEN 'churned'
                WHEN EXISTS (
                    SELECT 1 FROM answered AS later
                    WHERE later.customer_id = dated.customer_id AND later.nps >= 7
                      AND later.responded_at > dated.opened_at
                ) THEN 'saved'
                WHEN EXISTS (
                    SELECT 1 FROM outcomes AS o
                    WHERE o.customer_id = dated.customer_id AND o.churned = FALSE
                      AND o.month > CAST(date_trunc('month', dated.opened_at) AS DATE)
                ) THEN 'saved'
                ELSE 'unknown'
            END
        END AS saved_state
    FROM dated
)
SELECT * FROM final;

CREATE TABLE follow_ups (
    case_id         VARCHAR PRIMARY KEY,   -- loop_cases.case_id: 'response:<id>' or 'contact:<id>'
    owner           VARCHAR,
    team            VARCHAR,
    due_date        DATE NOT NULL,
    status          VARCHAR NOT NULL CHECK (status IN ('open', 'in_progress', 'closed')),
    result          VARCHAR CHECK (result IN ('reached', 'not_reached', 'saved', 'lost')),
    note            VARCHAR,
    reopened        INTEGER NOT NULL,      -- how many times the case was reopened after closing
    created_at      TIMESTAMP NOT NULL,    -- when someone first touched the case
    updated_at      TIMESTAMP NOT NULL,
    first_action_at TIMESTAMP,             -- first move out of 'open' (in progress or closed)
    closed_at       TIMESTAMP,             -- the latest close; NULL while not closed
    CHECK (status <> 'closed' OR (result IS NOT NULL AND closed_at IS NOT NULL))
);

CREATE SEQUENCE follow_up_event_seq START 1;

-- Every saved change of a case, so a reopen (or a change of owner) stays on record.
CREATE TABLE follow_up_events (
    event_id    INTEGER PRIMARY KEY,
    case_id     VARCHAR NOT NULL,
    changed_at  TIMESTAMP NOT NULL,
    from_status VARCHAR NOT NULL,
    to_status   VARCHAR NOT NULL,
    owner       VARCHAR,
    team        VARCHAR,
    due_date    DATE,
    result      VARCHAR,
    note        VARCHAR,
    is_reopen   BOOLEAN NOT NULL
);

CREATE SEQUENCE loop_action_seq START 1;

-- The outer loop: a cause (a contact reason or a comment theme) given to an owning team with an action.
CREATE TABLE loop_actions (
    action_id    INTEGER PRIMARY KEY,
    subject_kind VARCHAR NOT NULL CHECK (subject_kind IN ('contact_reason', 'theme')),
    subject      VARCHAR NOT NULL,
    team         VARCHAR NOT NULL,
    action       VARCHAR NOT NULL,
    status       VARCHAR NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
    started_on   DATE NOT NULL,         -- the before/after comparison splits here
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
