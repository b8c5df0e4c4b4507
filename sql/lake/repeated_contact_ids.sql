-- One row: how many of the lake's contacts, as read now, repeat a contact id another one holds.
-- A workspace cannot hold an id twice (the importer rejects a key already loaded), a lake's files
-- were checked by no importer; the incremental refresh finds a change's contacts by id
-- (rollups.apply_change), so a lake with a repeated id is built in full. Takes no $params.
SELECT count(contact_id) - count(DISTINCT contact_id) AS repeated
FROM contacts
