-- Stages the follow-up cases of the customers in cx_rollup_customers in the temp table
-- cx_loop_cases, for loop_cases_build.sql to write sorted after the rows already in
-- loop_case_rollup (loop_rollups.refresh_customers). Takes no $params.
--
-- The rows of the loop_cases view (sql/schema/011_loop_case_rollup.sql) whose customer is one of
-- them, computed from those customers' rows alone: filtering the view by customer made DuckDB
-- compute it for every customer first (it does not push a join's filter into a view), 1.25 s of a
-- 5,000-contact append's refresh at ten million contacts. Everything a case holds is its
-- customer's, so their rows are enough: their contacts (cx_loop_contacts, staged first by
-- loop_contacts_stage*.sql), the answers that are theirs (the answer's own customer, else its
-- contact's), each with the contact it names, and their outcome months. The case rules below are
-- the view's, line for line; a change to one is a change to the other, and
-- tests/test_loop_rollups.py compares the two for every customer and for chosen ones. Staged
-- first and sorted after, as the whole build (loop_cases_stage.sql) is: computing and sorting them
-- at once ran out of the default memory_limit (800 MB) for an append of a million contacts to ten
-- million, whose customers hold some 1.6 million cases.
CREATE TEMP TABLE cx_loop_cases AS
WITH their_responses AS (
    -- COALESCE(r.customer_id, c.customer_id) is theirs: their own, or none and their contact's.
    SELECT response_id, responded_at, customer_id, contact_id, nps, comment
    FROM responses
    WHERE customer_id IN (SELECT customer_id FROM cx_rollup_customers)
       OR (customer_id IS NULL AND contact_id IN (SELECT contact_id FROM cx_loop_contacts))
), named AS (
    -- The contacts their answers name: their own, and another customer's only when an answer of
    -- theirs names one (most often none: the scan of every contact is then skipped).
    SELECT contact_id, customer_id, channel, contact_reason, team
    FROM cx_loop_contacts
    UNION ALL
    SELECT contact_id, customer_id, channel, contact_reason, team
    FROM contacts
    WHERE contact_id IN (
        SELECT contact_id FROM their_responses
        WHERE contact_id NOT IN (SELECT contact_id FROM cx_loop_contacts)
    )
), answered AS (
    SELECT
        r.response_id, r.responded_at, COALESCE(r.customer_id, c.customer_id) AS customer_id,
        r.contact_id, c.channel, c.contact_reason, c.team, r.nps, r.comment
    FROM their_responses AS r
    LEFT JOIN named AS c ON c.contact_id = r.contact_id
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
    FROM cx_loop_contacts
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
    WHERE customer_id IN (SELECT customer_id FROM cx_rollup_customers)
    GROUP BY customer_id
), customer_answers AS (
    SELECT customer_id, max(responded_at) FILTER (WHERE nps >= 7) AS last_good_at
    FROM answered
    GROUP BY customer_id
), final AS (
    SELECT
        d.case_id, d.case_kind, d.source_id, d.customer_id, d.opened_at, d.contact_id, d.channel,
        d.contact_reason, d.contact_team, d.nps, d.comment,
        -- the view's default due date: 2 working days after the day the case opened
        CAST(
            d.opened_on
            - INTERVAL '1' DAY * CAST(greatest(d.weekday - 5, 0) AS INTEGER)
            + INTERVAL '1' DAY * CAST(2 + 2 * floor((least(d.weekday, 5) - 1 + 2) / 5) AS INTEGER)
            AS DATE
        ) AS default_due,
        -- the view's saved state: churned, else saved by a later good answer or a later month stayed
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
SELECT
    case_id, case_kind, source_id, customer_id, opened_at, contact_id, channel, contact_reason,
    contact_team, nps, comment, default_due, saved_state
FROM final
