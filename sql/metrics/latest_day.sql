-- One row: the latest day with a contact or a response (NULL in an empty store). Takes no $params.
SELECT CAST(greatest(
    (SELECT max(started_at) FROM contacts),
    (SELECT max(responded_at) FROM responses)
) AS DATE) AS latest_day
