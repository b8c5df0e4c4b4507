-- One row per journey step (capped at $max_steps: later steps are counted in the last one) ×
-- touchpoint × next touchpoint in the journey (NULL when the journey ends there): contacts, the
-- counts behind FCR, escalation, NPS and CSAT. A journey is a chain of one customer's contacts,
-- each starting at most $window days (W) after the one before: a contact starts one when its
-- stored previous contact is not within W before it (prev_any_at); a running count of starts
-- numbers each customer's journeys and row_number the steps (stepped: one row per contact of a
-- chosen journey, with the next contact's touchpoint, channel and self_service: journey_steps.sql,
-- which journey_paths.sql and drill/journeys.sql include too). (A recursive walk along next_any_id joined ten million contacts
-- to themselves once per step: out of memory at 10 M.) Journeys are chosen by their first contact:
-- $date_from, $date_to (DATE or NULL, whole days), $channels, $reasons, $segment_values (VARCHAR[]
-- or NULL) as in the metrics. Contacts without a customer are in none. $same_reason (bool) sets
-- which next contact judges FCR. $top_values (VARCHAR[]): touchpoints drawn by name, every other
-- value is folded into 'Other'; $none: the name of a missing touchpoint (touchpoints.NONE).
-- Slots: {{touchpoint}} (the touchpoint column of c, the contact), {{segment}} (a column of c or
-- cu, or missing.value).
-- Escalated: the next contact is within W, assisted (self_service not true) and on another channel.
-- Judged (for FCR and escalation): started at least W days before the latest contact in the data.
WITH stepped AS (
    {{> touchpoints/journey_steps}}
), latest AS (
    SELECT max(started_at) AS last_started FROM contacts
), answers AS (
    SELECT
        contact_id,
        count(nps) AS nps_n,
        count(*) FILTER (WHERE nps >= 9) AS promoters,
        count(*) FILTER (WHERE nps <= 6) AS detractors,
        count(csat) AS csat_n,
        count(*) FILTER (WHERE csat >= 4) AS csat_satisfied
    FROM responses
    WHERE contact_id IS NOT NULL
    GROUP BY contact_id
), placed AS (
    SELECT
        CAST(least(s.step, $max_steps) AS INTEGER) AS step,
        s.raw_touchpoint,
        s.raw_next,
        s.started_at <= latest.last_started - INTERVAL '1' DAY * $window AS is_judged,
        (CASE WHEN $same_reason THEN s.next_same_at ELSE s.next_any_at END) IS NULL
            OR (CASE WHEN $same_reason THEN s.next_same_at ELSE s.next_any_at END)
                > s.started_at + INTERVAL '1' DAY * $window AS no_return,
        s.next_id IS NOT NULL AND s.next_self_service IS NOT TRUE AND s.next_channel IS DISTINCT FROM s.channel
            AS escalated,
        a.nps_n, a.promoters, a.detractors, a.csat_n, a.csat_satisfied
    FROM stepped AS s
    LEFT JOIN answers AS a ON a.contact_id = s.contact_id
    CROSS JOIN latest
), final AS (
    SELECT
        step,
        CASE WHEN list_contains($top_values, raw_touchpoint) THEN raw_touchpoint ELSE 'Other' END AS touchpoint,
        CASE WHEN raw_next IS NULL THEN NULL
             WHEN list_contains($top_values, raw_next) THEN raw_next ELSE 'Other' END AS next_touchpoint,
        count(*) AS contacts,
        count(*) FILTER (WHERE is_judged) AS judged,
        count(*) FILTER (WHERE is_judged AND no_return) AS fcr_yes,
        count(*) FILTER (WHERE is_judged AND escalated) AS escalated,
        coalesce(sum(nps_n), 0) AS nps_n,
        coalesce(sum(promoters), 0) AS promoters,
        coalesce(sum(detractors), 0) AS detractors,
        coalesce(sum(csat_n), 0) AS csat_n,
        coalesce(sum(csat_satisfied), 0) AS csat_satisfied
    FROM placed
    GROUP BY 1, 2, 3
)
SELECT * FROM final ORDER BY step, touchpoint, next_touchpoint NULLS LAST
