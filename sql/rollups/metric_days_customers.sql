-- One row: the days whose contact_rollup and response_rollup rows a change of customers can alter
-- (the customer rows added or removed are in cx_changed_rows): a rolled customers column gives its
-- value to the customer's contacts, and to the responses of that customer (their own customer, else
-- their contact's), wherever those are in time. undated: whether one of those responses has no date.
-- The path rollups read contact_days too (a rolled customers column gives its value to the
-- customer's repeats and self-service contacts). Takes no $params.
WITH changed AS (
    SELECT DISTINCT customer_id FROM cx_changed_rows WHERE customer_id IS NOT NULL
), answered AS (
    SELECT r.responded_at
    FROM responses AS r
    LEFT JOIN contacts AS c ON c.contact_id = r.contact_id
    WHERE coalesce(r.customer_id, c.customer_id) IN (SELECT customer_id FROM changed)
)
SELECT
    (SELECT coalesce(list_sort(list_distinct(list(CAST(c.started_at AS DATE)))), CAST([] AS DATE[]))
     FROM contacts AS c WHERE c.customer_id IN (SELECT customer_id FROM changed)) AS contact_days,
    (SELECT coalesce(list_sort(list_distinct(list(CAST(responded_at AS DATE)))), CAST([] AS DATE[])) FROM answered)
        AS response_days,
    (SELECT coalesce(bool_or(responded_at IS NULL), FALSE) FROM answered) AS undated
