-- One row: the days of response_rollup a change of contacts (the contacts added or removed, in
-- cx_changed_rows) can alter, as response_days (DATE[]) and undated (whether one of them has no
-- date): those of the responses about the changed contacts, whose channel, reason and customer
-- come from the contact. Takes no $params.
WITH answered AS (
    SELECT r.responded_at
    FROM responses AS r
    WHERE r.contact_id IN (SELECT contact_id FROM cx_changed_rows)
)
SELECT
    (SELECT coalesce(list_sort(list_distinct(list(CAST(responded_at AS DATE)))), CAST([] AS DATE[])) FROM answered)
        AS response_days,
    (SELECT coalesce(bool_or(responded_at IS NULL), FALSE) FROM answered) AS undated
