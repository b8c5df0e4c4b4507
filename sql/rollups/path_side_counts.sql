-- One row: how many contacts cx_path_sides (path_side_contacts.sql) counts before the change and
-- how many after it. Takes no $params.
SELECT count(*) FILTER (WHERE sign < 0) AS before_change, count(*) FILTER (WHERE sign > 0) AS after_change
FROM cx_path_sides
