-- What recent_detractors.sql answers, read from detractor_customer_rollup and loop_case_rollup
-- while they are fresh: the $limit customers with the latest detractor answers, newest first, and
-- their cases not closed: all their cases less those closed in follow_ups. Only closed cases are
-- joined to the case rows, so with none closed the case rows are not read at all.
WITH listed AS (
    SELECT customer_id, last_detractor_at, detractor_answers, cases
    FROM detractor_customer_rollup
    ORDER BY last_detractor_at DESC, customer_id
    LIMIT $limit
), closed AS (
    SELECT k.customer_id, count(*) AS closed_cases
    FROM follow_ups AS f
    JOIN loop_case_rollup AS k ON k.case_id = f.case_id
    WHERE f.status = 'closed' AND k.customer_id IN (SELECT customer_id FROM listed)
    GROUP BY k.customer_id
), final AS (
    SELECT l.customer_id, l.last_detractor_at, l.detractor_answers,
        l.cases - coalesce(c.closed_cases, 0) AS open_cases
    FROM listed AS l
    LEFT JOIN closed AS c ON c.customer_id = l.customer_id
)
SELECT * FROM final ORDER BY last_detractor_at DESC, customer_id
