-- One row per follow-up case behind a figure of the follow-up (sql/loop/follow_up_metrics.sql):
-- the cases in the filters whose owner or team ($group_by: 'owner' or 'team', named as there) is
-- $value (all when NULL), newest first, at most $limit, with rows_in_total (the count before the
-- limit) and the flags the figures judge them by. $measure keeps the cases a figure counts:
-- 'first_within' (judged for "first follow-up within target": acted on, or its target time passed
-- by $now), 'saved' (detractors whose outcome is known), NULL (all). $target_hours, $now,
-- $date_from, $date_to (when the case opened), $channels, $reasons, $segment_values as there.
-- Slots: {{cases}} (loop_case_rollup or the loop_cases view), {{segment}}, {{segment_customers}},
-- {{segment_contacts}} as in sql/loop/cases.sql.
WITH no_segment AS (
    {{> segments/no_segment}}
), scoped AS (
    SELECT
        k.case_id, k.case_kind, k.opened_at, k.customer_id, k.channel, k.contact_reason, k.nps, k.comment,
        k.saved_state,
        f.owner,
        COALESCE(f.team, k.contact_team) AS team,
        COALESCE(f.status, 'open') AS status,
        f.first_action_at,
        CASE $group_by WHEN 'owner' THEN COALESCE(f.owner, '(unassigned)')
            ELSE COALESCE(f.team, k.contact_team, '(no team)') END AS group_value
    FROM {{cases}} AS k
    LEFT JOIN follow_ups AS f ON f.case_id = k.case_id
    LEFT JOIN {{segment_customers}} AS cu ON cu.customer_id = k.customer_id
    LEFT JOIN {{segment_contacts}} AS c ON c.contact_id = k.contact_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE ($date_from IS NULL OR k.opened_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR k.opened_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, k.channel))
      AND ($reasons IS NULL OR list_contains($reasons, k.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
), judged AS (
    SELECT
        case_id, case_kind, opened_at, customer_id, channel, contact_reason, nps, comment, owner, team, status,
        first_action_at,
        EXTRACT(EPOCH FROM (first_action_at - opened_at)) / 3600.0 AS hours_to_first,
        -- as follow_up_metrics.sql: a case with no action yet is judged once its target time has passed
        first_action_at IS NOT NULL
            OR CAST($now AS TIMESTAMP) > opened_at + INTERVAL '1' HOUR * $target_hours AS first_judged,
        first_action_at IS NOT NULL
            AND first_action_at <= opened_at + INTERVAL '1' HOUR * $target_hours AS first_within_target,
        saved_state
    FROM scoped
    WHERE $value IS NULL OR group_value = $value
), final AS (
    SELECT * EXCLUDE (first_judged)
    FROM judged
    WHERE $measure IS NULL
       OR ($measure = 'first_within' AND first_judged)
       OR ($measure = 'saved' AND saved_state IN ('saved', 'churned'))
)
SELECT *, count(*) OVER () AS rows_in_total FROM final ORDER BY opened_at DESC, case_id LIMIT $limit
