-- One row per value of the split-by dimension, plus the overall row (is_overall = 1): contacts,
-- contacts with a customer, repeats, contacts judged for FCR (not censored) and those resolved
-- first time (all, and split by transferred / not transferred), and the counts and sums behind
-- the contact-centre measures. $window (days, W), $same_reason (bool), $date_from, $date_to
-- (DATE or NULL; started_at, whole days), $channels, $reasons, $segment_values (VARCHAR[] or NULL).
-- Slots: {{dimension}} and {{segment}}: a column of c (contacts) or cu (customers), or missing.value (NULL: none chosen);
-- {{answered}}, {{wait_seconds}}: those columns of c, or of missing (typed NULLs) for a store
-- from before migration 15 opened read-only (it has neither). $grain ('day', 'week', 'month' or
-- NULL): the period c.__period holds, for a {{dimension}} that splits by period.
-- Repeat: the previous contact (same reason with $same_reason) started at most W days before.
-- Resolved first time: the next one does not start within W days after. Censored: started
-- later than W days before the latest started_at of all contacts. Flags use the whole history;
-- the date filter only chooses which contacts are counted.
-- Contact-centre measures (docs/metrics.md): abandonment over contacts whose `answered` is known;
-- speed of answer, handle time and reported resolution over answered contacts (answered true or
-- unknown); transfer rate over contacts whose `transfers` is known. Durations are summed in whole
-- milliseconds (exact integers, so contact_rollup's sums equal these).
WITH latest AS (
    SELECT max(started_at) AS last_started FROM contacts
), scoped AS (
    SELECT
        c.customer_id,
        c.started_at,
        CASE WHEN $same_reason THEN c.prev_same_at ELSE c.prev_any_at END AS prev_at,
        CASE WHEN $same_reason THEN c.next_same_at ELSE c.next_any_at END AS next_at,
        {{answered}} AS answered,
        CAST(round({{wait_seconds}} * 1000) AS HUGEINT) AS wait_ms,
        CAST(round(c.handle_seconds * 1000) AS HUGEINT) AS handle_ms,
        c.resolved,
        c.transfers,
        {{dimension}} AS group_value
    FROM (SELECT *, CAST(date_trunc($grain, started_at) AS DATE) AS __period FROM contacts) AS c
    LEFT JOIN customers AS cu ON cu.customer_id = c.customer_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value, CAST(NULL AS BOOLEAN) AS answered,
        CAST(NULL AS DOUBLE) AS wait_seconds) AS missing
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
        next_at IS NULL OR next_at > started_at + INTERVAL '1' DAY * $window AS no_return,
        answered,
        answered IS NOT FALSE AS taken,
        wait_ms,
        handle_ms,
        resolved,
        transfers
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
        count(*) FILTER (WHERE is_judged AND no_return) AS fcr_yes,
        count(answered) AS answered_known,
        count(*) FILTER (WHERE NOT answered) AS abandoned,
        count(wait_ms) FILTER (WHERE taken) AS wait_n,
        coalesce(sum(wait_ms) FILTER (WHERE taken), 0) AS wait_ms,
        coalesce(sum(wait_ms * wait_ms) FILTER (WHERE taken), 0) AS wait_ms_sq,
        count(handle_ms) FILTER (WHERE taken) AS handle_n,
        coalesce(sum(handle_ms) FILTER (WHERE taken), 0) AS handle_ms,
        coalesce(sum(handle_ms * handle_ms) FILTER (WHERE taken), 0) AS handle_ms_sq,
        count(resolved) FILTER (WHERE taken) AS resolved_known,
        count(*) FILTER (WHERE taken AND resolved) AS resolved_yes,
        count(transfers) AS transfers_known,
        count(*) FILTER (WHERE transfers >= 1) AS transferred,
        count(*) FILTER (WHERE is_judged AND transfers >= 1) AS fcr_xfer_n,
        count(*) FILTER (WHERE is_judged AND no_return AND transfers >= 1) AS fcr_xfer_yes,
        count(*) FILTER (WHERE is_judged AND transfers = 0) AS fcr_direct_n,
        count(*) FILTER (WHERE is_judged AND no_return AND transfers = 0) AS fcr_direct_yes
    FROM judged
    GROUP BY GROUPING SETS ((), (group_value))
)
SELECT * FROM final
