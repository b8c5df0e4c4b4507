-- One row per follow-up case (a detractor response or an unresolved complaint, see loop_cases)
-- with its handling state (defaults for a case nobody touched yet: open, unassigned, the default
-- due date, the contact's team), oldest first, at most $limit.
-- $statuses (VARCHAR[] or NULL = all), $customer_id (or NULL = all), $today (DATE: overdue is
-- judged against it), $date_from, $date_to (DATE or NULL; when the case opened, whole days),
-- $channels, $reasons, $segment_values (VARCHAR[] or NULL) as in the metrics. Slots: {{cases}}
-- (loop_case_rollup or the loop_cases view), {{segment}} (a column of c or cu, or missing.value),
-- {{segment_customers}}, {{segment_contacts}} (customers and contacts when the segment is a column of
-- theirs, else no_segment: the relations joined as cu and c).
WITH no_segment AS (
    {{> segments/no_segment}}
), scoped AS (
    SELECT
        k.case_id, k.case_kind, k.customer_id, k.opened_at, k.channel, k.contact_reason, k.nps, k.comment,
        f.owner,
        COALESCE(f.team, k.contact_team) AS team,
        COALESCE(f.due_date, k.default_due) AS due_date,
        COALESCE(f.status, 'open') AS status,
        f.result, f.note,
        COALESCE(f.reopened, 0) AS reopened,
        f.first_action_at, f.closed_at, k.saved_state
    FROM {{cases}} AS k
    LEFT JOIN follow_ups AS f ON f.case_id = k.case_id
    LEFT JOIN {{segment_customers}} AS cu ON cu.customer_id = k.customer_id
    LEFT JOIN {{segment_contacts}} AS c ON c.contact_id = k.contact_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE ($customer_id IS NULL OR k.customer_id = $customer_id)
      AND ($date_from IS NULL OR k.opened_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR k.opened_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, k.channel))
      AND ($reasons IS NULL OR list_contains($reasons, k.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
), final AS (
    SELECT *, status <> 'closed' AND due_date < $today AS overdue
    FROM scoped
    WHERE $statuses IS NULL OR list_contains($statuses, status)
)
SELECT * FROM final ORDER BY opened_at, case_id LIMIT $limit
