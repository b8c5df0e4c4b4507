-- Writes the contacts of cx_moved_contacts (contact_neighbours.sql), their facts right, in place of
-- the rows delete_moved.sql removed. Takes no $params.
INSERT INTO contacts BY NAME
SELECT * FROM cx_moved_contacts
