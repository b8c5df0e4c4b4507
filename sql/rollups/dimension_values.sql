-- What sql/metrics/dimension_values.sql answers for channel or contact reason (each value with
-- how many contacts carry it, most common first, at most $limit), summed from contact_rollup's
-- rows of every contact (seg_name ''): a few thousand rows instead of every contact.
-- Slot: {{column}} (channel or contact_reason, quoted).
WITH final AS (
    SELECT CAST({{column}} AS VARCHAR) AS value, CAST(sum(contacts) AS BIGINT) AS rows
    FROM contact_rollup
    WHERE seg_name = '' AND {{column}} IS NOT NULL
    GROUP BY 1
)
SELECT * FROM final ORDER BY rows DESC, value LIMIT $limit
