-- Removes the stored rows of the contacts in cx_moved_contacts (contact_neighbours.sql), which
-- insert_moved.sql writes again with their facts right. Takes no $params.
DELETE FROM contacts
WHERE contact_id IN (SELECT contact_id FROM cx_moved_contacts)
