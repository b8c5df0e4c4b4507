-- One row per value of a dimension with how many rows carry it, most common first, at most
-- $limit. Slots: {{column}} (the quoted column), {{table}} (contacts or customers).
WITH final AS (
    SELECT CAST({{column}} AS VARCHAR) AS value, count(*) AS rows
    FROM {{table}}
    WHERE {{column}} IS NOT NULL
    GROUP BY 1
)
SELECT * FROM final ORDER BY rows DESC, value LIMIT $limit
