-- One row: how many contacts and responses fall in the period (whatever the other filters), to tell
-- a period that holds no data at all. $date_from, $date_to (DATE, both days included).
SELECT
    (SELECT count(*) FROM contacts
      WHERE started_at >= CAST($date_from AS TIMESTAMP)
        AND started_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY) AS contacts,
    (SELECT count(*) FROM responses
      WHERE responded_at >= CAST($date_from AS TIMESTAMP)
        AND responded_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY) AS responses
