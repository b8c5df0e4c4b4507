-- One row: about how many distinct non-NULL values {{column}} of {{table}} holds (HyperLogLog, a
-- few per cent off at most: it only decides whether the column is worth offering to split by, in
-- one bounded-memory pass even over a free-text column of millions of rows).
-- Slots: {{table}}, {{column}} (checked against the schema by the caller).
SELECT approx_count_distinct({{column}}) AS distinct_values FROM {{table}}
