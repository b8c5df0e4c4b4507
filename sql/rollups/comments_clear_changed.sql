-- Removes comment_rollup's rows of the responses a change touches: those added or removed (key
-- response_id), or those naming a contact added or removed (key contact_id: their channel, reason
-- and customer come from the contact). Takes no $params.
-- Slots: {{key}} (response_id or contact_id: a column of both comment_rollup and cx_changed_rows).
DELETE FROM comment_rollup WHERE {{key}} IN (SELECT {{key}} FROM cx_changed_rows)
