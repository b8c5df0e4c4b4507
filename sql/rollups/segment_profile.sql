-- One row: whether {{column}} of {{table}} holds text, and how many distinct non-NULL values it
-- has, counted up to $limit (a column reaching the limit is not rolled up, so counting further
-- is wasted work). Slots: {{table}}, {{column}} (checked against the schema by the caller).
WITH found AS (
    SELECT DISTINCT {{column}} AS value FROM {{table}} WHERE {{column}} IS NOT NULL LIMIT $limit
)
SELECT
    (SELECT typeof(any_value({{column}})) FROM {{table}}) IN ('VARCHAR', 'NULL') AS is_text,
    (SELECT count(*) FROM found) AS distinct_values
