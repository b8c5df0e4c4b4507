-- One row per group plus the overall row (is_overall = 1), as sql/metrics/contact_counts.sql
-- returns them, summed from contact_rollup. $seg_name ('' or the rolled segment column that is
-- split or filtered by), $date_from, $date_to (DATE or NULL), $channels, $reasons,
-- $segment_values (VARCHAR[] or NULL = no filter).
-- Slots: {{group}} (r.channel, r.contact_reason, r.seg_value, a date_trunc of r.day, or NULL);
-- {{repeats}}, {{judged}}, {{resolved}}: the columns of the chosen window and reason setting.
WITH scoped AS (
    SELECT {{group}} AS group_value, r.contacts, r.linked,
        {{repeats}} AS repeats, {{judged}} AS judged, {{resolved}} AS resolved
    FROM contact_rollup AS r
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
        CAST(coalesce(sum(resolved), 0) AS BIGINT) AS fcr_yes
    FROM scoped
    GROUP BY GROUPING SETS ((), (group_value))
)
SELECT * FROM final
