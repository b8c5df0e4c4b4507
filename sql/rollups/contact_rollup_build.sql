-- Adds contact_rollup's rows for one segment (or, times $sign, a refresh's change of them): one
-- per day × channel × contact reason × value of the segment (long form, see
-- sql/schema/007_rollups.sql), with the counts behind contacts, repeat rate and contact FCR for
-- each window W in cxmetrics.rollups.ROLLUP_WINDOWS (7 and 30: a test keeps the two in step).
-- Run once per rolled segment, and once with no segment.
-- $seg_name ('' for every contact once, else the segment column's name); $days (DATE[]: count only
-- the contacts of these days, for an incremental refresh; NULL: every contact); $sign (1, or -1
-- for a refresh's side before its change: what every count is multiplied by).
-- Slots: {{segment}}: the segment column (c."col" or cu."col"), or missing.value (NULL);
-- {{contacts}}: the contacts table, cx_metric_scope (metric_scope_days.sql: those of $days, read
-- once for every pass), or one side of a refresh's change (metric_stage.sql); {{latest}}: the
-- table whose latest started_at judges each contact (contacts, or the side's own table, unread);
-- {{judged_at}}: l.last_started (that latest), or c.judge_at (a side's contacts carry the latest
-- contact that judges each); {{customers}}: the customers table, or cx_metric_customers
-- (metric_customers.sql: those of a side's contacts, so that each pass joins a few thousand
-- customers, not all); {{target}}: contact_rollup, or cx_metric_diff (a refresh's change, merged
-- by metric_merge_*.sql).
-- One GROUP BY per segment, not one GROUPING SETS for all: DuckDB keeps every set's hash table
-- at once, which was more than twice as slow and far bigger at 10 M contacts.
-- The definitions are those of sql/metrics/contact_counts.sql, restated on whole-day gaps: with
-- D = 24 h, "previous contact at most W days before" is ceil(gap / D) <= W for a whole number W,
-- "next contact more than W days after" is ceil(gap / D) > W, and "not censored" is
-- floor((latest - started) / D) >= W. Gaps are exact (microseconds), so nothing is rounded away.
-- The contact-centre counts (migration 15) follow sql/metrics/contact_counts.sql: durations in
-- whole milliseconds, "answered" meaning answered true or unknown, the FCR split by transfers >= 1
-- (`_xfer`) and transfers = 0 (`_direct`). Columns in the table's order (the new ones last).
INSERT INTO {{target}}
WITH latest AS (
    SELECT max(started_at) AS last_started FROM {{latest}}
), gaps AS (
    SELECT
        CAST(c.started_at AS DATE) AS day,
        c.channel,
        c.contact_reason,
        {{segment}} AS seg_value,
        c.customer_id IS NOT NULL AS linked,
        ceil(date_diff('microsecond', c.prev_any_at, c.started_at) / 86400000000.0) AS prev_gap_any,
        ceil(date_diff('microsecond', c.prev_same_at, c.started_at) / 86400000000.0) AS prev_gap_same,
        ceil(date_diff('microsecond', c.started_at, c.next_any_at) / 86400000000.0) AS next_gap_any,
        ceil(date_diff('microsecond', c.started_at, c.next_same_at) / 86400000000.0) AS next_gap_same,
        floor(date_diff('microsecond', c.started_at, {{judged_at}}) / 86400000000.0) AS age_days,
        c.answered,
        c.answered IS NOT FALSE AS taken,
        CAST(round(c.wait_seconds * 1000) AS DECIMAL(38, 0)) AS wait_ms,
        CAST(round(c.handle_seconds * 1000) AS DECIMAL(38, 0)) AS handle_ms,
        c.resolved,
        c.transfers,
        c.transfers >= 1 AS xfer,
        c.transfers = 0 AS direct
    FROM {{contacts}} AS c
    CROSS JOIN latest AS l
    LEFT JOIN {{customers}} AS cu ON cu.customer_id = c.customer_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE $days IS NULL OR list_contains(CAST($days AS DATE[]), CAST(c.started_at AS DATE))
), flags AS (
    SELECT *,
        linked AND age_days >= 7 AS judged7,
        linked AND age_days >= 7 AND coalesce(next_gap_any > 7, TRUE) AS res_any7,
        linked AND age_days >= 7 AND coalesce(next_gap_same > 7, TRUE) AS res_same7,
        linked AND age_days >= 30 AS judged30,
        linked AND age_days >= 30 AND coalesce(next_gap_any > 30, TRUE) AS res_any30,
        linked AND age_days >= 30 AND coalesce(next_gap_same > 30, TRUE) AS res_same30
    FROM gaps
)
SELECT
    day,
    channel,
    contact_reason,
    $seg_name AS seg_name,
    CAST(seg_value AS VARCHAR) AS seg_value,
    $sign * count(*) AS contacts,
    $sign * count(*) FILTER (WHERE linked) AS linked,
    $sign * count(*) FILTER (WHERE linked AND prev_gap_any <= 7) AS repeats_any_w7,
    $sign * count(*) FILTER (WHERE linked AND prev_gap_same <= 7) AS repeats_same_w7,
    $sign * count(*) FILTER (WHERE judged7) AS judged_w7,
    $sign * count(*) FILTER (WHERE res_any7) AS resolved_any_w7,
    $sign * count(*) FILTER (WHERE res_same7) AS resolved_same_w7,
    $sign * count(*) FILTER (WHERE linked AND prev_gap_any <= 30) AS repeats_any_w30,
    $sign * count(*) FILTER (WHERE linked AND prev_gap_same <= 30) AS repeats_same_w30,
    $sign * count(*) FILTER (WHERE judged30) AS judged_w30,
    $sign * count(*) FILTER (WHERE res_any30) AS resolved_any_w30,
    $sign * count(*) FILTER (WHERE res_same30) AS resolved_same_w30,
    $sign * count(answered) AS answered_known,
    $sign * count(*) FILTER (WHERE NOT answered) AS abandoned,
    $sign * count(wait_ms) FILTER (WHERE taken) AS wait_n,
    $sign * coalesce(sum(wait_ms) FILTER (WHERE taken), 0) AS wait_ms,
    $sign * coalesce(sum(wait_ms * wait_ms) FILTER (WHERE taken), 0) AS wait_ms_sq,
    $sign * count(handle_ms) FILTER (WHERE taken) AS handle_n,
    $sign * coalesce(sum(handle_ms) FILTER (WHERE taken), 0) AS handle_ms,
    $sign * coalesce(sum(handle_ms * handle_ms) FILTER (WHERE taken), 0) AS handle_ms_sq,
    $sign * count(resolved) FILTER (WHERE taken) AS resolved_known,
    $sign * count(*) FILTER (WHERE taken AND resolved) AS resolved_yes,
    $sign * count(transfers) AS transfers_known,
    $sign * count(*) FILTER (WHERE xfer) AS transferred,
    $sign * count(*) FILTER (WHERE xfer AND judged7) AS judged_xfer_w7,
    $sign * count(*) FILTER (WHERE xfer AND res_any7) AS resolved_any_xfer_w7,
    $sign * count(*) FILTER (WHERE xfer AND res_same7) AS resolved_same_xfer_w7,
    $sign * count(*) FILTER (WHERE direct AND judged7) AS judged_direct_w7,
    $sign * count(*) FILTER (WHERE direct AND res_any7) AS resolved_any_direct_w7,
    $sign * count(*) FILTER (WHERE direct AND res_same7) AS resolved_same_direct_w7,
    $sign * count(*) FILTER (WHERE xfer AND judged30) AS judged_xfer_w30,
    $sign * count(*) FILTER (WHERE xfer AND res_any30) AS resolved_any_xfer_w30,
    $sign * count(*) FILTER (WHERE xfer AND res_same30) AS resolved_same_xfer_w30,
    $sign * count(*) FILTER (WHERE direct AND judged30) AS judged_direct_w30,
    $sign * count(*) FILTER (WHERE direct AND res_any30) AS resolved_any_direct_w30,
    $sign * count(*) FILTER (WHERE direct AND res_same30) AS resolved_same_direct_w30
FROM flags
GROUP BY day, channel, contact_reason, seg_value
