-- One row per owner or team ($group_by: 'owner' or 'team') plus the overall row (is_overall = 1): the
-- counts behind time to first follow-up, share closed by the due date and detractors saved.
-- Saved counts only detractors who were followed up (acted on) and then kept (saved_state 'saved'),
-- so it never exceeds the followed-up detractors whose outcome is known (followed_judged); the rate's
-- n (saved_judged) is every detractor whose outcome is known, followed up or not.
-- $target_hours (first follow-up target), $now (TIMESTAMP: cases still inside their target are
-- not judged yet), $date_from, $date_to (DATE or NULL; when the case opened), $channels,
-- $reasons, $segment_values (VARCHAR[] or NULL). Slots: {{cases}} (loop_case_rollup
-- or the loop_cases view), {{segment}},
-- {{segment_customers}}, {{segment_contacts}} (customers and contacts when the segment is a column of
-- theirs, else no_segment: the relations joined as cu and c).
WITH no_segment AS (
    {{> segments/no_segment}}
), scoped AS (
    SELECT
        k.case_kind, k.opened_at, k.saved_state,
        COALESCE(f.due_date, k.default_due) AS due_date,
        COALESCE(f.status, 'open') AS status,
        f.first_action_at, f.closed_at,
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
        group_value, case_kind, status, saved_state,
        first_action_at IS NOT NULL AS followed_up,
        EXTRACT(EPOCH FROM (first_action_at - opened_at)) / 3600.0 AS hours_to_first,
        -- A case with no action yet is judged (as missed) only once its target time has passed.
        first_action_at IS NOT NULL
            OR CAST($now AS TIMESTAMP) > opened_at + INTERVAL '1' HOUR * $target_hours AS first_judged,
        first_action_at IS NOT NULL
            AND first_action_at <= opened_at + INTERVAL '1' HOUR * $target_hours AS first_within,
        -- Likewise an unclosed case counts against "closed by the due date" only after that day.
        status = 'closed' OR CAST($now AS DATE) > due_date AS close_judged,
        status = 'closed' AND CAST(closed_at AS DATE) <= due_date AS close_within
    FROM scoped
), final AS (
    SELECT
        GROUPING(group_value) AS is_overall,
        group_value,
        count(*) AS cases,
        count(*) FILTER (WHERE case_kind = 'detractor') AS detractor_cases,
        count(*) FILTER (WHERE status = 'closed') AS closed,
        count(hours_to_first) AS acted,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY hours_to_first) AS median_hours,
        count(*) FILTER (WHERE first_judged) AS first_judged,
        count(*) FILTER (WHERE first_within) AS first_within,
        count(*) FILTER (WHERE close_judged) AS close_judged,
        count(*) FILTER (WHERE close_within) AS close_within,
        count(*) FILTER (WHERE saved_state IN ('saved', 'churned')) AS saved_judged,
        count(*) FILTER (WHERE saved_state IN ('saved', 'churned') AND followed_up) AS followed_judged,
        count(*) FILTER (WHERE saved_state = 'saved' AND followed_up) AS saved,
        count(*) FILTER (WHERE saved_state = 'saved') AS retained
    FROM judged
    GROUP BY GROUPING SETS ((), (group_value))
)
SELECT * FROM final
