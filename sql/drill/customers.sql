-- One row per customer with outcomes behind an outcome figure (sql/outcomes/outcome_counts.sql):
-- the customers in scope whose group is $value (all when NULL), with that group, the deciding
-- month that placed them in it, whether they churned and their revenue; most revenue first, then
-- by customer, at most $limit, with rows_in_total (the count before the limit). A group's rows are
-- as many as its `customers`: the CTEs up to per_customer are outcome_counts.sql's, written out
-- the same in both files (a test compares the counts). The group is compared as lower-case text,
-- so a chart's "True" finds the repeat_contact group TRUE. $window, $same_reason, $date_from,
-- $date_to, $customer_segment_values, $contact_filter, $channels, $reasons,
-- $contact_segment_values as there.
-- Slots: {{group}}, {{customer_segment}}, {{contact_segment}} as in outcome_counts.sql.
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
), grouped AS (
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
), deciding AS (
    -- the customer's deciding month: the first it churned in, else its latest
    SELECT customer_id, group_value, month,
        row_number() OVER (PARTITION BY customer_id
                           ORDER BY coalesce(churned, FALSE) DESC,
                                    CASE WHEN churned THEN month END ASC, month DESC) AS rank
    FROM grouped
), per_customer AS (
    SELECT
        g.customer_id,
        any_value(d.group_value) AS group_value,
        any_value(d.month) AS deciding_month,
        coalesce(bool_or(g.churned), FALSE) AS churned,
        coalesce(sum(g.revenue), 0) AS revenue
    FROM grouped AS g
    JOIN deciding AS d ON d.customer_id = g.customer_id AND d.rank = 1
    GROUP BY g.customer_id
), final AS (
    SELECT customer_id, group_value AS outcome_group, deciding_month, churned, revenue,
        count(*) OVER () AS rows_in_total
    FROM per_customer
    WHERE $value IS NULL OR lower(CAST(group_value AS VARCHAR)) = lower($value)
)
SELECT * FROM final ORDER BY revenue DESC, customer_id LIMIT $limit
