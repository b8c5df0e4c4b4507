-- Version 11: the follow-up cases kept as a rollup (cxmetrics/rollups/loop_rollups.py, docs/rollups.md).
-- Takes no $params.
--
-- loop_cases (006) is redefined with the same columns and the same answers, but computes
-- saved_state from one summary per customer (their latest churned and stayed outcome months,
-- their latest answer of 7 or more) instead of three correlated EXISTS per detractor, which
-- scanned outcomes and answers once per case: seconds at two million answers.
--
-- loop_case_rollup holds the view's rows, written with the other rollups after every import and
-- delete, and read only while rollup_state says they are fresh. The cases follow the data alone
-- (the handling state is in follow_ups), so rebuilding them with the data version is exact.
-- detractor_customer_rollup holds one row per customer with a detractor case, newest detractor
-- answer first: Customer story lists the latest of them on every visit. A store built before
-- this version recorded rollups without these rows: forgetting its rollup state sends every
-- query to the base tables until the next build.
DELETE FROM rollup_state;

CREATE OR REPLACE VIEW loop_cases AS
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
        CAST(date_trunc('month', opened_at) AS DATE) AS opened_month,
        CAST(EXTRACT(ISODOW FROM opened_at) AS INTEGER) AS weekday  -- 1 = Monday … 7 = Sunday
    FROM raw_cases
), customer_outcomes AS (
    SELECT
        customer_id,
        max(month) FILTER (WHERE churned) AS last_churned_month,
        max(month) FILTER (WHERE churned = FALSE) AS last_stayed_month
    FROM outcomes
    GROUP BY customer_id
), customer_answers AS (
    SELECT customer_id, max(responded_at) FILTER (WHERE nps >= 7) AS last_good_at
    FROM answered
    GROUP BY customer_id
), final AS (
    SELECT
        d.case_id, d.case_kind, d.source_id, d.customer_id, d.opened_at, d.contact_id, d.channel,
        d.contact_reason, d.contact_team, d.nps, d.comment,
        -- Default due date: 2 working days (Monday–Friday, no holiday calendar) after the day the
        -- case opened; a case opened on a weekend counts from the Friday before. Mirrored by
        -- cxmetrics.engine.follow_ups.default_due, and a test keeps the two equal.
        CAST(
            d.opened_on
            - INTERVAL '1' DAY * CAST(greatest(d.weekday - 5, 0) AS INTEGER)
            + INTERVAL '1' DAY * CAST(2 + 2 * floor((least(d.weekday, 5) - 1 + 2) / 5) AS INTEGER)
            AS DATE
        ) AS default_due,
        -- Saved (detractors only): churned in the month of the answer or any later month -> 'churned';
        -- else a later answer with nps >= 7, or a later outcome month with churned = false -> 'saved';
        -- else 'unknown' (too early to tell). Churn wins over a later good score. A latest month
        -- (or answer) past the case's answers "is there one"; max() skips the NULLs EXISTS would.
        CASE WHEN d.case_kind = 'detractor' THEN
            CASE
                WHEN o.last_churned_month >= d.opened_month THEN 'churned'
                WHEN a.last_good_at > d.opened_at THEN 'saved'
                WHEN o.last_stayed_month > d.opened_month THEN 'saved'
                ELSE 'unknown'
            END
        END AS saved_state
    FROM dated AS d
    LEFT JOIN customer_outcomes AS o ON o.customer_id = d.customer_id
    LEFT JOIN customer_answers AS a ON a.customer_id = d.customer_id
)
SELECT * FROM final;

CREATE TABLE loop_case_rollup (
    case_id        VARCHAR,
    case_kind      VARCHAR,
    source_id      VARCHAR,
    customer_id    VARCHAR,
    opened_at      TIMESTAMP,
    contact_id     VARCHAR,
    channel        VARCHAR,
    contact_reason VARCHAR,
    contact_team   VARCHAR,
    nps            SMALLINT,
    comment        VARCHAR,
    default_due    DATE,
    saved_state    VARCHAR
);

CREATE TABLE detractor_customer_rollup (
    customer_id       VARCHAR,
    last_detractor_at TIMESTAMP,   -- their latest detractor answer
    detractor_answers BIGINT,      -- their detractor answers (detractor cases)
    cases             BIGINT       -- all their cases, detractor answers and unresolved complaints
);

-- loop_case_counts: the cases of loop_case_rollup counted per day opened × channel × contact
-- reason × contact team × kind × saved state (the default due date follows from the day). The
-- follow-up figures count the cases nobody has touched from it, less the touched ones, which
-- they read row by row.
CREATE TABLE loop_case_counts (
    day            DATE,
    channel        VARCHAR,
    contact_reason VARCHAR,
    contact_team   VARCHAR,
    case_kind      VARCHAR,
    saved_state    VARCHAR,
    default_due    DATE,
    cases          BIGINT NOT NULL
);
