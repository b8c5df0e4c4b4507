-- No row: what a query that joins its rows' customer (AS cu, ON customer_id) and contact (AS c, ON
-- contact_id) for a segment column joins instead of customers or contacts when that table holds no
-- segment chosen (the segment is then missing.value, NULL). Included as a CTE body named
-- no_segment; the slots segment_customers and segment_contacts name it or the table.
SELECT CAST(NULL AS VARCHAR) AS customer_id, CAST(NULL AS VARCHAR) AS contact_id
WHERE FALSE
