-- One row per experience or segment group, plus the overall row (is_overall = 1), exactly as
-- sql/outcomes/outcome_counts.sql returns them, with each outcome month's NPS and CSAT group read
-- from the rolled outcome_spans and each customer's repeat status from outcome_repeaters instead of
-- worked out from responses and contacts. For requests outcome_summary cannot answer: a contact
-- filter, part of the months, a customers column it did not roll. Each customer counts once, in the
-- group of its deciding month ('no answer' without a score), as there.
-- $params as there: $window (days), $same_reason; $date_from, $date_to, $customer_segment_values,
-- $contact_filter, $channels, $reasons, $contact_segment_values. Slots as there: {{group}},
-- {{customer_segment}}, {{contact_segment}}.
WITH repeaters AS (
    SELECT rp.customer_id
    FROM outcome_repeaters AS rp
    WHERE CASE WHEN $same_reason THEN rp.same_days ELSE rp.any_days END <= $window
), experience AS (
    SELECT
        o.customer_id,
        o.month,
        o.revenue,
        o.churned,
        coalesce(s.nps_group, 'no answer') AS nps_group,
        coalesce(s.csat_group, 'no answer') AS csat_group,
        rp.customer_id IS NOT NULL AS repeat_contact
    FROM outcomes AS o
    LEFT JOIN outcome_spans AS s
      ON s.customer_id = o.customer_id
     AND (s.from_at IS NULL OR s.from_at < CAST(o.month AS TIMESTAMP))
     AND (s.until_at IS NULL OR s.until_at >= CAST(o.month AS TIMESTAMP))
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
