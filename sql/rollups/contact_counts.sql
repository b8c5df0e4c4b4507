-- One row per group plus the overall row (is_overall = 1), as sql/metrics/contact_counts.sql
-- returns them, summed from contact_rollup. $seg_name ('' or the rolled segment column that is
-- split or filtered by), $date_from, $date_to (DATE or NULL), $channels, $reasons,
-- $segment_values (VARCHAR[] or NULL = no filter).
-- Slots: {{group}} (a column of r: channel, contact_reason, seg_value or one of rolled_groups.sql's
-- named groups); {{rollup}}: contact_rollup;
-- {{repeats}}, {{judged}}, {{resolved}}: the columns of the chosen window and reason setting, and
-- {{judged_xfer}}, {{resolved_xfer}}, {{judged_direct}}, {{resolved_direct}} their split by transfer.
WITH rolled AS (
    {{> rollups/rolled_groups}}
), scoped AS (
    SELECT {{group}} AS group_value, r.contacts, r.linked,
        {{repeats}} AS repeats, {{judged}} AS judged, {{resolved}} AS resolved,
        r.answered_known, r.abandoned, r.wait_n, r.wait_ms, r.wait_ms_sq, r.handle_n, r.handle_ms, r.handle_ms_sq,
        r.resolved_known, r.resolved_yes, r.transfers_known, r.transferred,
        {{judged_xfer}} AS judged_xfer, {{resolved_xfer}} AS resolved_xfer,
        {{judged_direct}} AS judged_direct, {{resolved_direct}} AS resolved_direct
    FROM rolled AS r
    WHERE r.seg_name = $seg_name
      AND ($date_from IS NULL OR r.day >= CAST($date_from AS DATE))
      AND ($date_to IS NULL OR r.day <= CAST($date_to AS DATE))
      AND ($channels IS NULL OR list_contains($channels, r.channel))
      AND ($reasons IS NULL OR list_contains($reasons, r.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, r.seg_value))
), final AS (
    SELECT
        GROUPING(group_value) AS is_overall,
        group_value,
        CAST(coalesce(sum(contacts), 0) AS BIGINT) AS contacts,
        CAST(coalesce(sum(linked), 0) AS BIGINT) AS linked,
        CAST(coalesce(sum(repeats), 0) AS BIGINT) AS repeats,
        CAST(coalesce(sum(judged), 0) AS BIGINT) AS fcr_n,
        CAST(coalesce(sum(resolved), 0) AS BIGINT) AS fcr_yes,
        CAST(coalesce(sum(answered_known), 0) AS BIGINT) AS answered_known,
        CAST(coalesce(sum(abandoned), 0) AS BIGINT) AS abandoned,
        CAST(coalesce(sum(wait_n), 0) AS BIGINT) AS wait_n,
        CAST(coalesce(sum(wait_ms), 0) AS HUGEINT) AS wait_ms,
        CAST(coalesce(sum(wait_ms_sq), 0) AS HUGEINT) AS wait_ms_sq,
        CAST(coalesce(sum(handle_n), 0) AS BIGINT) AS handle_n,
        CAST(coalesce(sum(handle_ms), 0) AS HUGEINT) AS handle_ms,
        CAST(coalesce(sum(handle_ms_sq), 0) AS HUGEINT) AS handle_ms_sq,
        CAST(coalesce(sum(resolved_known), 0) AS BIGINT) AS resolved_known,
        CAST(coalesce(sum(resolved_yes), 0) AS BIGINT) AS resolved_yes,
        CAST(coalesce(sum(transfers_known), 0) AS BIGINT) AS transfers_known,
        CAST(coalesce(sum(transferred), 0) AS BIGINT) AS transferred,
        CAST(coalesce(sum(judged_xfer), 0) AS BIGINT) AS fcr_xfer_n,
        CAST(coalesce(sum(resolved_xfer), 0) AS BIGINT) AS fcr_xfer_yes,
        CAST(coalesce(sum(judged_direct), 0) AS BIGINT) AS fcr_direct_n,
        CAST(coalesce(sum(resolved_direct), 0) AS BIGINT) AS fcr_direct_yes
    FROM scoped
    GROUP BY GROUPING SETS ((), (group_value))
)
SELECT * FROM final
