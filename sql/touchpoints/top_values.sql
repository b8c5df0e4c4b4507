-- One row per value of the touchpoint column ({{touchpoint}}, a column of contacts c; NULL shown
-- as $none) among contacts with a customer, most contacts first, at most $limit.
SELECT COALESCE(CAST({{touchpoint}} AS VARCHAR), $none) AS touchpoint, count(*) AS contacts
FROM contacts AS c
WHERE c.customer_id IS NOT NULL
GROUP BY 1
ORDER BY contacts DESC, touchpoint
LIMIT $limit
