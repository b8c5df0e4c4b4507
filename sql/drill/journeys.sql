-- One row per contact of the chosen journeys behind a Touchpoint map mark, newest first, at most
-- $limit, with rows_in_total (the count before the limit): its journey's path (as
-- journey_paths.sql writes it), step, touchpoint (folded as in journey_flow.sql), whether its
-- W-day window has ended (judged), whether it was resolved first time and whether the journey
-- escalated from it. $measure 'escalation' keeps the judged contacts (the n of a touchpoint's
-- escalation share), 'journeys' one row per journey, its first contact (the journeys of a path);
-- NULL all. $touchpoint (or NULL): contacts at that touchpoint; $path (or NULL): journeys taking
-- that path; $other_than (INTEGER or NULL): journeys whose path is not among the $other_than most
-- common (ranked as touchpoints.main_journeys ranks them: most journeys first, ties by path), the
-- Touchpoint map's "All other journeys". The journeys (stepped) are journey_steps.sql's, which
-- journey_flow.sql includes too: $window, $same_reason,
-- $max_steps, $top_values, $none, $date_from, $date_to, $channels, $reasons, $segment_values as there.
-- Slots: {{touchpoint}} (the touchpoint column of c), {{segment}} (a column of c or cu, or missing.value).
WITH stepped AS (
    {{> touchpoints/journey_steps}}
), latest AS (
    SELECT max(started_at) AS last_started FROM contacts
), placed AS (
    SELECT
        s.contact_id, s.started_at, s.customer_id, s.channel, s.journey AS journey_no,
        CAST(s.step AS INTEGER) AS step,
        CASE WHEN list_contains($top_values, s.raw_touchpoint) THEN s.raw_touchpoint ELSE 'Other' END AS touchpoint,
        s.started_at <= latest.last_started - INTERVAL '1' DAY * $window AS judged,
        CASE WHEN s.started_at <= latest.last_started - INTERVAL '1' DAY * $window
             THEN (CASE WHEN $same_reason THEN s.next_same_at ELSE s.next_any_at END) IS NULL
                  OR (CASE WHEN $same_reason THEN s.next_same_at ELSE s.next_any_at END)
                     > s.started_at + INTERVAL '1' DAY * $window END AS resolved_first_time,
        CASE WHEN s.started_at <= latest.last_started - INTERVAL '1' DAY * $window
             THEN s.next_id IS NOT NULL AND s.next_self_service IS NOT TRUE AND s.next_channel IS DISTINCT FROM s.channel
             END AS escalated_next
    FROM stepped AS s
    CROSS JOIN latest
), paths AS (
    SELECT customer_id, journey_no,
        CASE WHEN count(*) <= $max_steps
             THEN string_agg(touchpoint, ' → ' ORDER BY step)
             ELSE string_agg(touchpoint, ' → ' ORDER BY step) FILTER (WHERE step <= $max_steps) || ' → …'
        END AS journey,
        count(*) AS journey_contacts
    FROM placed
    GROUP BY customer_id, journey_no
), ranked AS (
    SELECT journey, row_number() OVER (ORDER BY count(*) DESC, journey) AS path_rank
    FROM paths
    GROUP BY journey
), final AS (
    SELECT
        p.contact_id, p.started_at, p.customer_id, c.channel, c.contact_reason, p.step, p.touchpoint,
        j.journey, j.journey_contacts, p.judged, p.resolved_first_time, p.escalated_next
    FROM placed AS p
    JOIN paths AS j ON j.customer_id = p.customer_id AND j.journey_no = p.journey_no
    JOIN ranked AS r ON r.journey = j.journey
    JOIN contacts AS c ON c.contact_id = p.contact_id
    WHERE ($touchpoint IS NULL OR p.touchpoint = $touchpoint)
      AND ($path IS NULL OR j.journey = $path)
      AND ($other_than IS NULL OR r.path_rank > $other_than)
      AND ($measure IS NULL
           OR ($measure = 'escalation' AND p.judged)
           OR ($measure = 'journeys' AND p.step = 1))
)
SELECT *, count(*) OVER () AS rows_in_total FROM final ORDER BY started_at DESC, contact_id LIMIT $limit
