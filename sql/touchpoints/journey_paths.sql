-- One row per distinct journey path (the touchpoints of a journey in order, e.g. "web → chat →
-- phone"; after $max_steps touchpoints the rest is shown as "…"), with how many journeys took it,
-- most common first, at most $limit. Journeys and their filters as in journey_flow.sql: $window,
-- $date_from, $date_to, $channels, $reasons, $segment_values; $top_values (VARCHAR[]) and $none
-- as there. Slots: {{touchpoint}} (the touchpoint column of c, the contact), {{segment}} (a column
-- of c or cu, or missing.value). The journeys (stepped) are journey_steps.sql's, which
-- journey_flow.sql includes too.
WITH stepped AS (
    {{> touchpoints/journey_steps}}
), folded AS (
    SELECT customer_id, journey, step,
        CASE WHEN list_contains($top_values, raw_touchpoint) THEN raw_touchpoint ELSE 'Other' END AS touchpoint
    FROM stepped
), ends AS (
    SELECT
        CASE WHEN count(*) <= $max_steps
             THEN string_agg(touchpoint, ' → ' ORDER BY step)
             ELSE string_agg(touchpoint, ' → ' ORDER BY step) FILTER (WHERE step <= $max_steps) || ' → …'
        END AS path
    FROM folded
    GROUP BY customer_id, journey
), final AS (
    SELECT path, count(*) AS journeys FROM ends GROUP BY path
)
SELECT * FROM final ORDER BY journeys DESC, path LIMIT $limit
