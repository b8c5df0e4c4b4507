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
WITH grouped AS (
    {{> outcomes/grouped_months}}
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
