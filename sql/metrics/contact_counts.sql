-- One row per value of the split-by dimension, plus the overall row (is_overall = 1): contacts,
-- contacts with a customer, repeats, contacts judged for FCR (not censored) and those resolved
-- first time. $window (days, W), $same_reason (bool), $date_from, $date_to (DATE or NULL;
-- started_at, whole days), $channels, $reasons, $segment_values (VARCHAR[] or NULL).
-- Slots: {{dimension}} and {{segment}}: a column of c (contacts) or cu (customers), or NULL.
-- Repeat: the previous contact (same reason with $same_reason) started at most W days before.
-- Resolved first time: the next one does not start within W days after. Censored: started
-- later than W days before the latest started_at of all contacts. Flags use the whole history;
-- the date filter only chooses which contacts are counted.
WITH latest AS (
    SELECT max(started_at) AS last_started FROM contacts
), scoped AS (
    SELECT
        c.customer_id,
        c.started_at,
        CASE WHEN $same_reason THEN c.prev_same_at ELSE c.prev_any_at END AS prev_at,
        CASE WHEN $same_reason THEN c.next_same_at ELSE c.next_any_at END AS next_at,
        {{dimension}} AS group_value
    FROM contacts AS c
    LEFT JOIN customers AS cu ON cu.customer_id = c.customer_id
    WHERE ($date_from IS NULL OR c.started_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR c.started_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, c.channel))
      AND ($reasons IS NULL OR list_contains($reasons, c.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
), judged AS (
    SELECT
        group_value,
        customer_id IS NOT NULL AS linked,
        customer_id IS NOT NULL AND prev_at IS NOT NULL
            AND prev_at >= started_at - INTERVAL '1' DAY * $window AS is_repeat,
        customer_id IS NOT NULL
            AND started_at <= last_started - INTERVAL '1' DAY * $window AS is_judged,
        next_at IS NULL OR next_at > started_at + INTERVAL '1' DAY * $window AS no_return
    FROM scoped
    CROSS JOIN latest
), final AS (
    SELECT
        GROUPING(group_value) AS is_overall,
        group_value,
        count(*) AS contacts,
        count(*) FILTER (WHERE linked) AS linked,
        count(*) FILTER (WHERE is_repeat) AS repeats,
        count(*) FILTER (WHERE is_judged) AS fcr_n,
        count(*) FILTER (WHERE is_judged AND no_return) AS fcr_yes
    FROM judged
    GROUP BY GROUPING SETS ((), (group_value))
)
SELECT * FROM final
