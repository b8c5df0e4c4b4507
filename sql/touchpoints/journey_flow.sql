-- One row per journey step (capped at $max_steps: later steps are counted in the last one) ×
-- touchpoint × next touchpoint in the journey (NULL when the journey ends there): contacts, the
-- counts behind FCR, escalation, NPS and CSAT. A journey is a chain of one customer's contacts,
-- each starting at most $window days (W) after the one before (stored prev/next facts, followed
-- recursively from each journey's first contact, the one with no contact within W before it).
-- Journeys are chosen by their first contact: $date_from, $date_to (DATE or NULL, whole days),
-- $channels, $reasons, $segment_values (VARCHAR[] or NULL) as in the metrics. $same_reason
-- (bool) sets which next contact judges FCR. $top_values (VARCHAR[]): touchpoints drawn by name,
-- every other value is folded into 'Other'. Slots: {{touchpoint}} / {{next_touchpoint}} (the
-- touchpoint column of c, the contact, and n, the next one), {{segment}}.
-- Escalated: the next contact is within W, assisted (self_service not true) and on another channel.
-- Judged (for FCR and escalation): started at least W days before the latest contact in the data.
WITH RECURSIVE latest AS (
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
), starts AS (
    SELECT c.contact_id
    FROM contacts AS c
    LEFT JOIN customers AS cu ON cu.customer_id = c.customer_id
    WHERE c.customer_id IS NOT NULL
      AND (c.prev_any_at IS NULL OR c.prev_any_at < c.started_at - INTERVAL '1' DAY * $window)
      AND ($date_from IS NULL OR c.started_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR c.started_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, c.channel))
      AND ($reasons IS NULL OR list_contains($reasons, c.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
), steps (contact_id, step) AS (
    SELECT contact_id, 1 FROM starts
    UNION ALL
    SELECT n.contact_id, s.step + 1
    FROM steps AS s
    JOIN contacts AS c ON c.contact_id = s.contact_id
    JOIN contacts AS n ON n.contact_id = c.next_any_id
    WHERE n.started_at <= c.started_at + INTERVAL '1' DAY * $window
), placed AS (
    SELECT
        least(s.step, $max_steps) AS step,
        {{touchpoint}} AS raw_touchpoint,
        CASE WHEN n.contact_id IS NOT NULL THEN {{next_touchpoint}} END AS raw_next,
        c.started_at <= latest.last_started - INTERVAL '1' DAY * $window AS is_judged,
        (CASE WHEN $same_reason THEN c.next_same_at ELSE c.next_any_at END) IS NULL
            OR (CASE WHEN $same_reason THEN c.next_same_at ELSE c.next_any_at END)
                > c.started_at + INTERVAL '1' DAY * $window AS no_return,
        n.contact_id IS NOT NULL AND n.self_service IS NOT TRUE AND n.channel IS DISTINCT FROM c.channel
            AS escalated,
        a.nps_n, a.promoters, a.detractors, a.csat_n, a.csat_satisfied
    FROM steps AS s
    JOIN contacts AS c ON c.contact_id = s.contact_id
    LEFT JOIN contacts AS n
        ON n.contact_id = c.next_any_id AND n.started_at <= c.started_at + INTERVAL '1' DAY * $window
    LEFT JOIN answers AS a ON a.contact_id = c.contact_id
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
