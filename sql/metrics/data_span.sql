-- One row: the first and the last day with a contact or a response (both NULL in an empty store),
-- where "the data is" when a chosen period holds none. Takes no $params.
SELECT
    CAST(least(
        (SELECT min(started_at) FROM contacts),
        (SELECT min(responded_at) FROM responses)
    ) AS DATE) AS first_day,
    CAST(greatest(
        (SELECT max(started_at) FROM contacts),
        (SELECT max(responded_at) FROM responses)
    ) AS DATE) AS last_day
