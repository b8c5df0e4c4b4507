-- One row per outcome month in scope (customer, month, revenue, churned) with its group_value: the
-- experience of the month (the NPS and CSAT group of the customer's latest response with that score
-- before the month, 'no answer' without one; undated responses count as before every month; whether
-- the customer ever had a repeat contact within $window days, $same_reason) or the customer's
-- segment, as the group slot picks. Included as the CTE grouped by outcome_counts.sql and
-- drill/customers.sql, whose $params and slots it takes: $date_from, $date_to,
-- $customer_segment_values, $contact_filter, $channels, $reasons, $contact_segment_values.
WITH nps_before AS (
    SELECT o.customer_id, o.month, r.nps,
        row_number() OVER (PARTITION BY o.customer_id, o.month
                           ORDER BY r.responded_at DESC NULLS LAST, r.response_id DESC) AS recency
    FROM outcomes AS o
    JOIN responses AS r
      ON r.customer_id = o.customer_id AND r.nps IS NOT NULL
     AND (r.responded_at IS NULL OR r.responded_at < CAST(o.month AS TIMESTAMP))
), csat_before AS (
    SELECT o.customer_id, o.month, r.csat,
        row_number() OVER (PARTITION BY o.customer_id, o.month
                           ORDER BY r.responded_at DESC NULLS LAST, r.response_id DESC) AS recency
    FROM outcomes AS o
    JOIN responses AS r
      ON r.customer_id = o.customer_id AND r.csat IS NOT NULL
     AND (r.responded_at IS NULL OR r.responded_at < CAST(o.month AS TIMESTAMP))
), repeaters AS (
    SELECT DISTINCT c.customer_id
    FROM contacts AS c
    WHERE c.customer_id IS NOT NULL
      AND CASE WHEN $same_reason THEN c.prev_same_at ELSE c.prev_any_at END
          >= c.started_at - INTERVAL '1' DAY * $window
), experience AS (
    SELECT
        o.customer_id,
        o.month,
        o.revenue,
        o.churned,
        CASE WHEN n.nps >= 9 THEN 'promoter'
             WHEN n.nps >= 7 THEN 'passive'
             WHEN n.nps >= 0 THEN 'detractor'
             ELSE 'no answer' END AS nps_group,
        CASE WHEN s.csat >= 4 THEN 'satisfied'
             WHEN s.csat = 3 THEN 'neutral'
             WHEN s.csat >= 1 THEN 'dissatisfied'
             ELSE 'no answer' END AS csat_group,
        rp.customer_id IS NOT NULL AS repeat_contact
    FROM outcomes AS o
    LEFT JOIN nps_before AS n ON n.customer_id = o.customer_id AND n.month = o.month AND n.recency = 1
    LEFT JOIN csat_before AS s ON s.customer_id = o.customer_id AND s.month = o.month AND s.recency = 1
    LEFT JOIN repeaters AS rp ON rp.customer_id = o.customer_id
)
SELECT e.customer_id, e.month, e.revenue, e.churned, {{group}} AS group_value
FROM experience AS e
LEFT JOIN customers AS cu ON cu.customer_id = e.customer_id
CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
WHERE ($date_from IS NULL OR e.month >= CAST(date_trunc('month', CAST($date_from AS DATE)) AS DATE))
  AND ($date_to IS NULL OR e.month <= CAST($date_to AS DATE))
  AND ($customer_segment_values IS NULL
       OR list_contains($customer_segment_values, CAST({{customer_segment}} AS VARCHAR)))
  AND (NOT $contact_filter OR e.customer_id IN (
      SELECT c.customer_id FROM contacts AS c
      CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
      WHERE ($channels IS NULL OR list_contains($channels, c.channel))
        AND ($reasons IS NULL OR list_contains($reasons, c.contact_reason))
        AND ($contact_segment_values IS NULL
             OR list_contains($contact_segment_values, CAST({{contact_segment}} AS VARCHAR)))))
