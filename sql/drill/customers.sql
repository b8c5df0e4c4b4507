-- One row per customer with outcomes behind an outcome figure (sql/outcomes/outcome_counts.sql):
-- the customers in scope whose group is $value (all when NULL), with that group, the deciding
-- month that placed them in it, whether they churned and their revenue; most revenue first, then
-- by customer, at most $limit, with rows_in_total (the count before the limit). A group's rows are
-- as many as its `customers`: the months in scope (grouped) are sql/outcomes/grouped_months.sql,
-- which outcome_counts.sql includes too, and deciding and per_customer are as there (a test compares
-- the counts). The group is compared as lower-case text,
-- so a chart's "True" finds the repeat_contact group TRUE. $window, $same_reason, $date_from,
-- $date_to, $customer_segment_values, $contact_filter, $channels, $reasons,
-- $contact_segment_values as there.
-- Slots: {{group}}, {{customer_segment}}, {{contact_segment}} as in outcome_counts.sql.
WITH grouped AS (
    {{> outcomes/grouped_months}}
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
