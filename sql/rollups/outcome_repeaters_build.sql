-- Rebuilds outcome_repeaters: one row per customer with a contact that has a previous contact, and
-- the fewest whole days W for which the customer made a repeat contact within W days, over any
-- reason and over the same reason. Takes no $params.
-- Slot: {{contacts}}: the contacts table, or cx_scope_rows (scope_contacts.sql) to recount some customers.
-- sql/outcomes/outcome_counts.sql calls a customer a repeater for window W when some contact has
-- prev_at >= started_at - W days; on naive timestamps that is a gap of at most W × 86,400,000,000
-- µs, so the shortest gap, rounded up to whole days, answers every whole W. The rounding is done in
-- floating point and then put right in whole numbers, so that it is exact for any gap.
INSERT INTO outcome_repeaters
WITH gaps AS (
    SELECT
        c.customer_id,
        min(date_diff('microsecond', c.prev_any_at, c.started_at)) AS any_us,
        min(date_diff('microsecond', c.prev_same_at, c.started_at)) AS same_us
    FROM {{contacts}} AS c
    WHERE c.customer_id IS NOT NULL AND c.prev_any_at IS NOT NULL
    GROUP BY c.customer_id
), rough AS (
    SELECT
        customer_id,
        any_us,
        same_us,
        CAST(ceil(any_us / 86400000000.0) AS BIGINT) AS any_days,
        CAST(ceil(same_us / 86400000000.0) AS BIGINT) AS same_days
    FROM gaps
), final AS (
    SELECT
        customer_id,
        CASE WHEN (any_days - 1) * 86400000000 >= any_us THEN any_days - 1
             WHEN any_days * 86400000000 < any_us THEN any_days + 1
             ELSE any_days END AS any_days,
        CASE WHEN (same_days - 1) * 86400000000 >= same_us THEN same_days - 1
             WHEN same_days * 86400000000 < same_us THEN same_days + 1
             ELSE same_days END AS same_days
    FROM rough
)
SELECT * FROM final
