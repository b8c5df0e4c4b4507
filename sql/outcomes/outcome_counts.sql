-- One row per experience or segment group, plus the overall row (is_overall = 1): customers with
-- outcome rows, those who churned in any month, revenue, and the per-customer sums behind the
-- revenue interval. $window (days), $same_reason (bool). Scope: $date_from, $date_to (outcome
-- months overlapping the range), $customer_segment_values (customers whose segment value is one
-- of them), $contact_filter with $channels, $reasons, $contact_segment_values (customers with a
-- contact matching them); NULL / FALSE = no filter.
-- Slots: {{group}}: cu."<customers column>", e.nps_group, e.csat_group, e.repeat_contact or
-- missing.value (no group);
-- {{customer_segment}} (a column of cu, or missing.value: NULL); {{contact_segment}} (a column of c,
-- or missing.value).
-- nps_group / csat_group come from the customer's latest response with that score before the
-- outcome month (undated responses count as before every month); a customer can move between
-- groups from month to month, so each customer is counted once, in the group of its deciding month:
-- the first month it churned in, else its latest month (in scope). A customer with no score before
-- that month is in the group 'no answer', so the groups' customers add up to the overall row.
-- repeat_contact: the customer ever had a repeat contact.
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
    SELECT customer_id, group_value,
        row_number() OVER (PARTITION BY customer_id
                           ORDER BY coalesce(churned, FALSE) DESC,
                                    CASE WHEN churned THEN month END ASC, month DESC) AS rank
    FROM grouped
), per_customer AS (
    SELECT
        g.customer_id,
        any_value(d.group_value) AS group_value,
        coalesce(bool_or(g.churned), FALSE) AS churned,
        coalesce(sum(g.revenue), 0) AS revenue
    FROM grouped AS g
    JOIN deciding AS d ON d.customer_id = g.customer_id AND d.rank = 1
    GROUP BY g.customer_id
), final AS (
    SELECT 0 AS is_overall, group_value, count(*) AS customers,
        count(*) FILTER (WHERE churned) AS churned_customers,
        sum(revenue) AS revenue, sum(revenue * revenue) AS revenue_sum_sq
    FROM per_customer
    WHERE group_value IS NOT NULL
    GROUP BY group_value
    UNION ALL
    SELECT 1, NULL, count(*), count(*) FILTER (WHERE churned), coalesce(sum(revenue), 0),
        coalesce(sum(revenue * revenue), 0)
    FROM per_customer
)
SELECT * FROM final
