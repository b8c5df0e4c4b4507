-- One row per customer with a detractor answer (nps 0–6, customer from the answer or its
-- contact), the most recent detractor answer first, at most $limit: when and what they answered,
-- and how many of their follow-up cases are not closed.
WITH detractors AS (
    SELECT COALESCE(r.customer_id, c.customer_id) AS customer_id, r.responded_at, r.nps
    FROM responses AS r
    LEFT JOIN contacts AS c ON c.contact_id = r.contact_id
    WHERE r.nps <= 6 AND r.responded_at IS NOT NULL AND COALESCE(r.customer_id, c.customer_id) IS NOT NULL
), latest AS (
    SELECT customer_id, max(responded_at) AS last_detractor_at, count(*) AS detractor_answers
    FROM detractors
    GROUP BY customer_id
), open_cases AS (
    SELECT k.customer_id, count(*) AS open_cases
    FROM loop_cases AS k
    LEFT JOIN follow_ups AS f ON f.case_id = k.case_id
    WHERE COALESCE(f.status, 'open') <> 'closed'
    GROUP BY k.customer_id
), final AS (
    SELECT l.customer_id, l.last_detractor_at, l.detractor_answers, coalesce(o.open_cases, 0) AS open_cases
    FROM latest AS l
    LEFT JOIN open_cases AS o ON o.customer_id = l.customer_id
)
SELECT * FROM final ORDER BY last_detractor_at DESC, customer_id LIMIT $limit
