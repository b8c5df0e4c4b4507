-- One row per outcome month: customers with a row that month, those who churned that month,
-- and revenue. Scope as in outcome_counts.sql: $date_from, $date_to, $customer_segment_values,
-- $contact_filter, $channels, $reasons, $contact_segment_values.
-- Slots: {{customer_segment}} (a column of cu, or missing.value: NULL); {{contact_segment}} (a column of c,
-- or missing.value).
WITH scoped AS (
    SELECT o.customer_id, o.month, o.churned, o.revenue
    FROM outcomes AS o
    LEFT JOIN customers AS cu ON cu.customer_id = o.customer_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE ($date_from IS NULL OR o.month >= CAST(date_trunc('month', CAST($date_from AS DATE)) AS DATE))
      AND ($date_to IS NULL OR o.month <= CAST($date_to AS DATE))
      AND ($customer_segment_values IS NULL
           OR list_contains($customer_segment_values, CAST({{customer_segment}} AS VARCHAR)))
      AND (NOT $contact_filter OR o.customer_id IN (
          SELECT c.customer_id FROM contacts AS c
          CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
          WHERE ($channels IS NULL OR list_contains($channels, c.channel))
            AND ($reasons IS NULL OR list_contains($reasons, c.contact_reason))
            AND ($contact_segment_values IS NULL
                 OR list_contains($contact_segment_values, CAST({{contact_segment}} AS VARCHAR)))))
), final AS (
    SELECT
        month,
        count(DISTINCT customer_id) AS customers,
        count(DISTINCT customer_id) FILTER (WHERE churned) AS churned_customers,
        coalesce(sum(revenue), 0) AS revenue
    FROM scoped
    GROUP BY month
)
SELECT * FROM final ORDER BY month
