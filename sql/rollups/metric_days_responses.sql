-- One row: the days whose response_rollup rows a change of responses can alter (the responses
-- added or removed are in cx_changed_rows), and whether one of them has no date (day NULL).
-- contact_days is empty: no contact count reads the responses. Takes no $params.
SELECT
    CAST([] AS DATE[]) AS contact_days,
    coalesce(list_sort(list_distinct(list(CAST(responded_at AS DATE)))), CAST([] AS DATE[])) AS response_days,
    coalesce(bool_or(responded_at IS NULL), FALSE) AS undated
FROM cx_changed_rows
