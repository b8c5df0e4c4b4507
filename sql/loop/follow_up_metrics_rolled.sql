-- What follow_up_metrics.sql answers (the same columns and figures), read from the case rollups
-- while they are fresh, for whole-day dates and no segment. The cases someone touched (a row in
-- follow_ups) and the untouched cases opened on the day the first follow-up target's cutoff
-- ($now less $target_hours) falls on are judged row by row, as there; every other untouched case
-- is open, unassigned and not acted on, so it is counted from loop_case_counts, less the touched
-- cases of those days. $target_hours, $now, $date_from, $date_to (DATE or NULL), $channels,
-- $reasons (VARCHAR[] or NULL), $group_by ('owner' or 'team'). Takes no slots.
WITH cutoff AS (
    SELECT
        CAST($now AS TIMESTAMP) - INTERVAL '1' HOUR * $target_hours AS opened_before,
        CAST(CAST($now AS TIMESTAMP) - INTERVAL '1' HOUR * $target_hours AS DATE) AS cutoff_day
), touched AS (
    SELECT
        k.case_kind, k.opened_at, k.saved_state, k.default_due, k.contact_team, f.owner, f.team,
        COALESCE(f.due_date, k.default_due) AS due_date, COALESCE(f.status, 'open') AS status,
        f.first_action_at, f.closed_at
    FROM follow_ups AS f
    JOIN loop_case_rollup AS k ON k.case_id = f.case_id
    WHERE ($date_from IS NULL OR k.opened_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR k.opened_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, k.channel))
      AND ($reasons IS NULL OR list_contains($reasons, k.contact_reason))
), untouched_on_cutoff_day AS (
    SELECT
        k.case_kind, k.opened_at, k.saved_state, k.default_due, k.contact_team,
        CAST(NULL AS VARCHAR) AS owner, CAST(NULL AS VARCHAR) AS team,
        k.default_due AS due_date, 'open' AS status,
        CAST(NULL AS TIMESTAMP) AS first_action_at, CAST(NULL AS TIMESTAMP) AS closed_at
    FROM loop_case_rollup AS k
    CROSS JOIN cutoff
    WHERE k.opened_at >= CAST(cutoff.cutoff_day AS TIMESTAMP)
      AND k.opened_at < CAST(cutoff.cutoff_day AS TIMESTAMP) + INTERVAL '1' DAY
      AND k.case_id NOT IN (SELECT case_id FROM follow_ups)
      AND ($date_from IS NULL OR k.opened_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR k.opened_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, k.channel))
      AND ($reasons IS NULL OR list_contains($reasons, k.contact_reason))
), one_by_one AS (
    -- As follow_up_metrics.sql judges each case (see there), one row per case.
    SELECT
        CASE $group_by WHEN 'owner' THEN COALESCE(f.owner, '(unassigned)')
            ELSE COALESCE(f.team, k.contact_team, '(no team)') END AS group_value,
        1 AS cases,
        CAST(k.case_kind = 'detractor' AS INTEGER) AS detractor_cases,
        CAST(k.status = 'closed' AS INTEGER) AS closed,
        EXTRACT(EPOCH FROM (k.first_action_at - k.opened_at)) / 3600.0 AS hours_to_first,
        CAST(k.first_action_at IS NOT NULL
             OR CAST($now AS TIMESTAMP) > k.opened_at + INTERVAL '1' HOUR * $target_hours AS INTEGER) AS first_judged,
        CAST(k.first_action_at IS NOT NULL
             AND k.first_action_at <= k.opened_at + INTERVAL '1' HOUR * $target_hours AS INTEGER) AS first_within,
        CAST(k.status = 'closed' OR CAST($now AS DATE) > k.due_date AS INTEGER) AS close_judged,
        CAST(k.status = 'closed' AND CAST(k.closed_at AS DATE) <= k.due_date AS INTEGER) AS close_within,
        CAST(k.saved_state IN ('saved', 'churned') AS INTEGER) AS saved_judged,
        CAST(k.saved_state IN ('saved', 'churned') AND k.first_action_at IS NOT NULL AS INTEGER) AS followed_judged,
        CAST(k.saved_state = 'saved' AND k.first_action_at IS NOT NULL AS INTEGER) AS saved,
        CAST(k.saved_state = 'saved' AS INTEGER) AS retained
    FROM (SELECT * FROM touched UNION ALL SELECT * FROM untouched_on_cutoff_day) AS k
    CROSS JOIN LATERAL (SELECT k.owner, k.team) AS f
), untouched_counts AS (
    -- Every case of the other days, less the touched ones: what is left was never touched.
    SELECT day, contact_team, case_kind, saved_state, default_due, sum(cases) AS cases
    FROM (
        SELECT day, contact_team, case_kind, saved_state, default_due, cases
        FROM loop_case_counts
        WHERE ($date_from IS NULL OR day >= $date_from)
          AND ($date_to IS NULL OR day <= $date_to)
          AND ($channels IS NULL OR list_contains($channels, channel))
          AND ($reasons IS NULL OR list_contains($reasons, contact_reason))
        UNION ALL
        SELECT CAST(opened_at AS DATE), contact_team, case_kind, saved_state, default_due, -1
        FROM touched
    )
    WHERE day <> (SELECT cutoff_day FROM cutoff)
    GROUP BY ALL
    HAVING sum(cases) > 0
), counted AS (
    -- Open, unassigned, not acted on: judged against the target when opened on a day before the
    -- cutoff's (so before the cutoff), against the due date once it has passed.
    SELECT
        CASE $group_by WHEN 'owner' THEN COALESCE(f.owner, '(unassigned)')
            ELSE COALESCE(f.team, k.contact_team, '(no team)') END AS group_value,
        k.cases,
        CASE WHEN k.case_kind = 'detractor' THEN k.cases ELSE 0 END AS detractor_cases,
        0 AS closed,
        CAST(NULL AS DOUBLE) AS hours_to_first,
        CASE WHEN k.day < (SELECT cutoff_day FROM cutoff) THEN k.cases ELSE 0 END AS first_judged,
        0 AS first_within,
        CASE WHEN CAST($now AS DATE) > k.default_due THEN k.cases ELSE 0 END AS close_judged,
        0 AS close_within,
        CASE WHEN k.saved_state IN ('saved', 'churned') THEN k.cases ELSE 0 END AS saved_judged,
        0 AS followed_judged,  -- never acted on: none followed up, so none saved
        0 AS saved,
        CASE WHEN k.saved_state = 'saved' THEN k.cases ELSE 0 END AS retained
    FROM untouched_counts AS k
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS owner, CAST(NULL AS VARCHAR) AS team) AS f
), final AS (
    SELECT
        GROUPING(group_value) AS is_overall,
        group_value,
        CAST(coalesce(sum(cases), 0) AS BIGINT) AS cases,
        CAST(coalesce(sum(detractor_cases), 0) AS BIGINT) AS detractor_cases,
        CAST(coalesce(sum(closed), 0) AS BIGINT) AS closed,
        count(hours_to_first) AS acted,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY hours_to_first) AS median_hours,
        CAST(coalesce(sum(first_judged), 0) AS BIGINT) AS first_judged,
        CAST(coalesce(sum(first_within), 0) AS BIGINT) AS first_within,
        CAST(coalesce(sum(close_judged), 0) AS BIGINT) AS close_judged,
        CAST(coalesce(sum(close_within), 0) AS BIGINT) AS close_within,
        CAST(coalesce(sum(saved_judged), 0) AS BIGINT) AS saved_judged,
        CAST(coalesce(sum(followed_judged), 0) AS BIGINT) AS followed_judged,
        CAST(coalesce(sum(saved), 0) AS BIGINT) AS saved,
        CAST(coalesce(sum(retained), 0) AS BIGINT) AS retained
    FROM (SELECT * FROM one_by_one UNION ALL SELECT * FROM counted)
    GROUP BY GROUPING SETS ((), (group_value))
)
SELECT * FROM final
