-- One row per customer with a detractor answer (nps 0–6, customer from the answer or its
-- contact: the detractor cases), the most recent detractor answer first, at most $limit: when
-- they last answered so, how many such answers, and how many of their follow-up cases (of either
-- kind) are not closed, counted for the customers listed only. From the loop_cases view; while the
-- rollups are fresh, recent_detractors_rolled.sql answers the same from them.
WITH latest AS (
    SELECT customer_id, max(opened_at) AS last_detractor_at, count(*) AS detractor_answers
    FROM loop_cases
    WHERE case_kind = 'detractor'
    GROUP BY customer_id
), listed AS (
    SELECT * FROM latest ORDER BY last_detractor_at DESC, customer_id LIMIT $limit
), open_cases AS (
    SELECT k.customer_id, count(*) AS open_cases
    FROM loop_cases AS k
    LEFT JOIN follow_ups AS f ON f.case_id = k.case_id
    WHERE k.customer_id IN (SELECT customer_id FROM listed) AND COALESCE(f.status, 'open') <> 'closed'
    GROUP BY k.customer_id
), final AS (
    SELECT l.customer_id, l.last_detractor_at, l.detractor_answers, coalesce(o.open_cases, 0) AS open_cases
    FROM listed AS l
    LEFT JOIN open_cases AS o ON o.customer_id = l.customer_id
)
SELECT * FROM final ORDER BY last_detractor_at DESC, customer_id
