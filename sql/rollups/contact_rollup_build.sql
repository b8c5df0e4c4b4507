-- Adds contact_rollup's rows for one segment: one per day × channel × contact reason × value of
-- the segment (long form, see sql/schema/007_rollups.sql), with the counts behind contacts, repeat
-- rate and contact FCR for each window W in cxmetrics.rollups.ROLLUP_WINDOWS (7 and 30: a test
-- keeps the two in step). Run once per rolled segment, and once with no segment.
-- $seg_name ('' for every contact once, else the segment column's name).
-- Slot: {{segment}}: the segment column (c."col" or cu."col"), or CAST(NULL AS VARCHAR).
-- One GROUP BY per segment, not one GROUPING SETS for all: DuckDB keeps every set's hash table
-- at once, which was more than twice as slow and far bigger at 10 M contacts.
-- The definitions are those of sql/metrics/contact_counts.sql, restated on whole-day gaps: with
-- D = 24 h, "previous contact at most W days before" is ceil(gap / D) <= W for a whole number W,
-- "next contact more than W days after" is ceil(gap / D) > W, and "not censored" is
-- floor((latest - started) / D) >= W. Gaps are exact (microseconds), so nothing is rounded away.
INSERT INTO contact_rollup
WITH latest AS (
    SELECT max(started_at) AS last_started FROM contacts
), gaps AS (
    SELECT
        CAST(c.started_at AS DATE) AS day,
        c.channel,
        c.contact_reason,
        {{segment}} AS seg_value,
        c.customer_id IS NOT NULL AS linked,
        ceil((epoch_us(c.started_at) - epoch_us(c.prev_any_at)) / 86400000000.0) AS prev_gap_any,
        ceil((epoch_us(c.started_at) - epoch_us(c.prev_same_at)) / 86400000000.0) AS prev_gap_same,
        ceil((epoch_us(c.next_any_at) - epoch_us(c.started_at)) / 86400000000.0) AS next_gap_any,
        ceil((epoch_us(c.next_same_at) - epoch_us(c.started_at)) / 86400000000.0) AS next_gap_same,
        floor((epoch_us(l.last_started) - epoch_us(c.started_at)) / 86400000000.0) AS age_days
    FROM contacts AS c
    CROSS JOIN latest AS l
    LEFT JOIN customers AS cu ON cu.customer_id = c.customer_id
)
SELECT
    day,
    channel,
    contact_reason,
    $seg_name AS seg_name,
    CAST(seg_value AS VARCHAR) AS seg_value,
    count(*) AS contacts,
    count(*) FILTER (WHERE linked) AS linked,
    count(*) FILTER (WHERE linked AND prev_gap_any <= 7) AS repeats_any_w7,
    count(*) FILTER (WHERE linked AND prev_gap_same <= 7) AS repeats_same_w7,
    count(*) FILTER (WHERE linked AND age_days >= 7) AS judged_w7,
    count(*) FILTER (WHERE linked AND age_days >= 7 AND coalesce(next_gap_any > 7, TRUE)) AS resolved_any_w7,
    count(*) FILTER (WHERE linked AND age_days >= 7 AND coalesce(next_gap_same > 7, TRUE)) AS resolved_same_w7,
    count(*) FILTER (WHERE linked AND prev_gap_any <= 30) AS repeats_any_w30,
    count(*) FILTER (WHERE linked AND prev_gap_same <= 30) AS repeats_same_w30,
    count(*) FILTER (WHERE linked AND age_days >= 30) AS judged_w30,
    count(*) FILTER (WHERE linked AND age_days >= 30 AND coalesce(next_gap_any > 30, TRUE)) AS resolved_any_w30,
    count(*) FILTER (WHERE linked AND age_days >= 30 AND coalesce(next_gap_same > 30, TRUE)) AS resolved_same_w30
FROM gaps
GROUP BY day, channel, contact_reason, seg_value
