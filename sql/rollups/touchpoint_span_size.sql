-- One row: how many customers and contacts (on either side) the temp table cx_touchpoint_span
-- holds. Takes no $params.
SELECT count(DISTINCT customer_id) AS customers, count(*) AS contacts
FROM cx_touchpoint_span
