-- One row: the last line of the typed rows (cx_typed), 0 when there are none. Takes no $params.
SELECT coalesce(max(__line), 0) FROM cx_typed
