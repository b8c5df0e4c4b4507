-- One row per contact with a customer, with what the touchpoint rollups count it by for each
-- window W of cxmetrics.rollups.ROLLUP_WINDOWS (7 and 30 days), computed in ONE window pass over
-- each customer's contacts in (started_at, contact_id) order: sql/touchpoints/journeys.sql's
-- journeys without filters, for both windows at once. A temp table that touchpoint_flow_rows.sql
-- and touchpoint_path_rows.sql read (through touchpoint_journeys.sql). $flip_latest (TIMESTAMP, or
-- NULL: the latest contact of the slot): the other latest contact, when the latest moved, whom
-- the "judged before" bits of counted are measured against (an incremental refresh's flips).
-- Slots: {{contacts}}: the contacts table, or one side of an incremental refresh's span
-- (touchpoint_span_facts.sql); {{responses}}: the responses table, or the span's answers on that
-- side (touchpoint_span_answers*.sql); {{latest}}: a table whose latest started_at is the latest
-- contact on that side (contacts, or touchpoint_latest_before.sql's one row).
--
-- A contact's channel and reason travel as one number, cr = channel code * k + reason code
-- (codes of journey_touchpoint_codes, 0 for NULL; k = the number of codes + 1); the window
-- functions read one packed number per neighbour, pk = (cr * 2 + assisted) * 4 + starts_w30 * 2
-- + starts_w7, instead of five columns each.
-- Per window W (suffix _wW): start_day_wW and start_cr_wW, the first contact of its journey
-- (the last contact up to this one that starts one: no previous contact within W); step_wW, its
-- step, capped at 5 (cxmetrics.engine.touchpoints.MAX_STEPS); len_wW, how many contacts the journey has
-- from this one on (6 = more than 5): the next contact is in its journey when len_wW > 1.
-- counted packs what the flow counts (judged: started at least W days before the latest contact;
-- resolved first time: judged, and no next contact of any / the same reason within W;
-- escalated: judged, and the next contact in the journey is assisted and on another channel).
-- p1 .. p4: the cr of the customer's next four contacts (a journey's path, read where it
-- starts). And the NPS and CSAT counts of the contact's answers.
CREATE TEMP TABLE cx_touchpoint_stage AS
WITH latest AS (
    SELECT max(started_at) AS last_started FROM {{latest}}
), codes AS (
    SELECT CAST(count(*) + 1 AS BIGINT) AS k FROM journey_touchpoint_codes
), answers AS (
    SELECT
        contact_id,
        count(nps) AS nps_n,
        count(*) FILTER (WHERE nps >= 9) AS promoters,
        count(*) FILTER (WHERE nps <= 6) AS detractors,
        count(csat) AS csat_n,
        count(*) FILTER (WHERE csat >= 4) AS csat_satisfied
    FROM {{responses}}
    WHERE contact_id IS NOT NULL
    GROUP BY contact_id
), coded AS (
    -- Only what the window pass needs travels through its sort: the flags of the contact itself
    -- are packed into one small number (bit 1: judged at 7 days; 2: no next contact of any
    -- reason within 7 days; 4: none of the same reason; 8, 16, 32: the same at 30 days; 64, 128:
    -- judged at 7 and at 30 days against $flip_latest).
    SELECT
        c.customer_id,
        c.started_at,
        c.contact_id,
        coalesce(ch.code, 0) * codes.k + coalesce(re.code, 0) AS cr,
        codes.k,
        c.self_service IS NOT TRUE AS assisted,
        c.prev_any_at IS NULL OR c.prev_any_at < c.started_at - INTERVAL '1' DAY * 7 AS starts_w7,
        c.prev_any_at IS NULL OR c.prev_any_at < c.started_at - INTERVAL '1' DAY * 30 AS starts_w30,
        CAST(c.started_at <= latest.last_started - INTERVAL '1' DAY * 7 AS INTEGER)
        + 2 * CAST(c.next_any_at IS NULL OR c.next_any_at > c.started_at + INTERVAL '1' DAY * 7 AS INTEGER)
        + 4 * CAST(c.next_same_at IS NULL OR c.next_same_at > c.started_at + INTERVAL '1' DAY * 7 AS INTEGER)
        + 8 * CAST(c.started_at <= latest.last_started - INTERVAL '1' DAY * 30 AS INTEGER)
        + 16 * CAST(c.next_any_at IS NULL OR c.next_any_at > c.started_at + INTERVAL '1' DAY * 30 AS INTEGER)
        + 32 * CAST(c.next_same_at IS NULL OR c.next_same_at > c.started_at + INTERVAL '1' DAY * 30 AS INTEGER)
        + 64 * CAST(c.started_at <= coalesce(CAST($flip_latest AS TIMESTAMP), latest.last_started)
                                    - INTERVAL '1' DAY * 7 AS INTEGER)
        + 128 * CAST(c.started_at <= coalesce(CAST($flip_latest AS TIMESTAMP), latest.last_started)
                                     - INTERVAL '1' DAY * 30 AS INTEGER)
            AS flags
    FROM {{contacts}} AS c
    CROSS JOIN latest
    CROSS JOIN codes
    LEFT JOIN journey_touchpoint_codes AS ch ON ch.value = c.channel
    LEFT JOIN journey_touchpoint_codes AS re ON re.value = c.contact_reason
    WHERE c.customer_id IS NOT NULL
), packed AS (
    SELECT
        customer_id, started_at, contact_id, cr, k, starts_w7, starts_w30, flags,
        (cr * 2 + CAST(assisted AS BIGINT)) * 4 + CAST(starts_w30 AS BIGINT) * 2 + CAST(starts_w7 AS BIGINT) AS pk,
        CAST(starts_w30 AS INTEGER) * 2 + CAST(starts_w7 AS INTEGER) AS starts
    FROM coded
), ordered AS (
    SELECT
        *,
        last_value(CASE WHEN starts_w7 THEN CAST(started_at AS DATE) END IGNORE NULLS) OVER so_far AS start_day_w7,
        last_value(CASE WHEN starts_w7 THEN cr END IGNORE NULLS) OVER so_far AS start_cr_w7,
        last_value(CASE WHEN starts_w30 THEN CAST(started_at AS DATE) END IGNORE NULLS) OVER so_far AS start_day_w30,
        last_value(CASE WHEN starts_w30 THEN cr END IGNORE NULLS) OVER so_far AS start_cr_w30,
        lag(starts, 1) OVER by_customer AS b1,
        lag(starts, 2) OVER by_customer AS b2,
        lag(starts, 3) OVER by_customer AS b3,
        lead(pk, 1) OVER by_customer AS n1,
        lead(pk, 2) OVER by_customer AS n2,
        lead(pk, 3) OVER by_customer AS n3,
        lead(pk, 4) OVER by_customer AS n4,
        lead(pk, 5) OVER by_customer AS n5
    FROM packed
    WINDOW by_customer AS (PARTITION BY customer_id ORDER BY started_at, contact_id),
           so_far AS (by_customer ROWS UNBOUNDED PRECEDING)
), measured AS (
    -- A neighbour n ends a window's journey before it when there is none or it starts a new one
    -- (bit 1 of pk: 7 days; bit 2: 30 days).
    SELECT
        *,
        CASE WHEN n1 IS NULL OR n1 & 1 = 1 THEN 1 WHEN n2 IS NULL OR n2 & 1 = 1 THEN 2
             WHEN n3 IS NULL OR n3 & 1 = 1 THEN 3 WHEN n4 IS NULL OR n4 & 1 = 1 THEN 4
             WHEN n5 IS NULL OR n5 & 1 = 1 THEN 5 ELSE 6 END AS len_w7,
        CASE WHEN n1 IS NULL OR n1 & 2 = 2 THEN 1 WHEN n2 IS NULL OR n2 & 2 = 2 THEN 2
             WHEN n3 IS NULL OR n3 & 2 = 2 THEN 3 WHEN n4 IS NULL OR n4 & 2 = 2 THEN 4
             WHEN n5 IS NULL OR n5 & 2 = 2 THEN 5 ELSE 6 END AS len_w30,
        n1 IS NOT NULL AND (n1 // 4) % 2 = 1 AND n1 // 8 // k <> cr // k AS escalates
    FROM ordered
)
SELECT
    m.cr,
    m.start_day_w7,
    m.start_cr_w7,
    CAST(CASE WHEN m.starts_w7 THEN 1 WHEN m.b1 & 1 = 1 THEN 2 WHEN m.b2 & 1 = 1 THEN 3 WHEN m.b3 & 1 = 1 THEN 4
              ELSE 5 END AS TINYINT) AS step_w7,
    CAST(m.len_w7 AS TINYINT) AS len_w7,
    m.start_day_w30,
    m.start_cr_w30,
    CAST(CASE WHEN m.starts_w30 THEN 1 WHEN m.b1 & 2 = 2 THEN 2 WHEN m.b2 & 2 = 2 THEN 3 WHEN m.b3 & 2 = 2 THEN 4
              ELSE 5 END AS TINYINT) AS step_w30,
    CAST(m.len_w30 AS TINYINT) AS len_w30,
    -- counted: bit 1 judged, 2 judged and resolved first time over any reason, 4 over the same
    -- reason, 8 judged and escalated, 256 judged against $flip_latest, at 7 days; the same shifted
    -- by 4 at 30 days.
    CAST(
        CAST(m.flags & 1 > 0 AS INTEGER)
        + 2 * CAST(m.flags & 3 = 3 AS INTEGER)
        + 4 * CAST(m.flags & 5 = 5 AS INTEGER)
        + 8 * CAST(m.flags & 1 > 0 AND m.len_w7 > 1 AND m.escalates AS INTEGER)
        + 16 * CAST(m.flags & 8 > 0 AS INTEGER)
        + 32 * CAST(m.flags & 24 = 24 AS INTEGER)
        + 64 * CAST(m.flags & 40 = 40 AS INTEGER)
        + 128 * CAST(m.flags & 8 > 0 AND m.len_w30 > 1 AND m.escalates AS INTEGER)
        + 256 * CAST(m.flags & 64 > 0 AS INTEGER)
        + 4096 * CAST(m.flags & 128 > 0 AS INTEGER)
        AS SMALLINT) AS counted,
    m.n1 // 8 AS p1,
    m.n2 // 8 AS p2,
    m.n3 // 8 AS p3,
    m.n4 // 8 AS p4,
    CAST(a.nps_n AS INTEGER) AS nps_n,
    CAST(a.promoters AS INTEGER) AS promoters,
    CAST(a.detractors AS INTEGER) AS detractors,
    CAST(a.csat_n AS INTEGER) AS csat_n,
    CAST(a.csat_satisfied AS INTEGER) AS csat_satisfied
FROM measured AS m
LEFT JOIN answers AS a ON a.contact_id = m.contact_id
