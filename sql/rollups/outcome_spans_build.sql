-- Rebuilds outcome_spans: one row per span of time over which one response stays a customer's
-- latest, with the NPS group and CSAT group an outcome month starting inside it gets (see
-- sql/schema/008_outcome_rollups.sql). Takes no $params.
-- Slot: {{responses}}: the responses table, or cx_scope_rows (scope_responses.sql) to recount some
-- customers.
-- The definitions are those of sql/outcomes/outcome_counts.sql: a month's score is that of the
-- customer's latest response with that score before the month, latest by (responded_at,
-- response_id); an undated response counts as before every month but after none of the dated
-- ones, the highest response_id first. One sort of the dated responses gives each one the latest
-- NPS and CSAT as of it and the time of the next one, which ends its span.
INSERT INTO outcome_spans
WITH undated_nps AS (
    SELECT r.customer_id, r.nps,
        row_number() OVER (PARTITION BY r.customer_id ORDER BY r.response_id DESC) AS recency
    FROM {{responses}} AS r
    WHERE r.customer_id IS NOT NULL AND r.responded_at IS NULL AND r.nps IS NOT NULL
), undated_csat AS (
    SELECT r.customer_id, r.csat,
        row_number() OVER (PARTITION BY r.customer_id ORDER BY r.response_id DESC) AS recency
    FROM {{responses}} AS r
    WHERE r.customer_id IS NOT NULL AND r.responded_at IS NULL AND r.csat IS NOT NULL
), undated AS (
    SELECT coalesce(n.customer_id, s.customer_id) AS customer_id, n.nps, s.csat
    FROM (SELECT * FROM undated_nps WHERE recency = 1) AS n
    FULL JOIN (SELECT * FROM undated_csat WHERE recency = 1) AS s ON s.customer_id = n.customer_id
), dated AS (
    SELECT
        r.customer_id,
        r.responded_at AS from_at,
        lead(r.responded_at) OVER latest AS until_at,
        last_value(r.nps IGNORE NULLS) OVER latest AS nps,
        last_value(r.csat IGNORE NULLS) OVER latest AS csat
    FROM {{responses}} AS r
    WHERE r.customer_id IS NOT NULL AND r.responded_at IS NOT NULL AND (r.nps IS NOT NULL OR r.csat IS NOT NULL)
    WINDOW latest AS (PARTITION BY r.customer_id ORDER BY r.responded_at, r.response_id
                      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
), first_dated AS (
    SELECT customer_id, min(from_at) AS first_at
    FROM dated
    GROUP BY customer_id
), spans AS (
    -- before the first dated response, the undated ones hold on their own
    SELECT u.customer_id, CAST(NULL AS TIMESTAMP) AS from_at, f.first_at AS until_at, u.nps, u.csat
    FROM undated AS u
    LEFT JOIN first_dated AS f ON f.customer_id = u.customer_id
    UNION ALL
    -- from each dated response on: a score no dated response had yet comes from the undated ones
    SELECT d.customer_id, d.from_at, d.until_at, coalesce(d.nps, u.nps), coalesce(d.csat, u.csat)
    FROM dated AS d
    LEFT JOIN undated AS u ON u.customer_id = d.customer_id
    WHERE d.until_at IS NULL OR d.until_at > d.from_at
), final AS (
    SELECT
        customer_id,
        from_at,
        until_at,
        CASE WHEN nps >= 9 THEN 'promoter'
             WHEN nps >= 7 THEN 'passive'
             WHEN nps >= 0 THEN 'detractor' END AS nps_group,
        CASE WHEN csat >= 4 THEN 'satisfied'
             WHEN csat = 3 THEN 'neutral'
             WHEN csat >= 1 THEN 'dissatisfied' END AS csat_group
    FROM spans
)
SELECT * FROM final
