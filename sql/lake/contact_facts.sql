-- The derived contact facts a lake build writes (its table contact_facts): one row per contact,
-- with its previous and next contacts as lake/contacts.sql computed them. Takes no $params.
CREATE TEMP TABLE contact_facts AS
SELECT contact_id, prev_any_at, next_any_at, prev_same_at, next_same_at, prev_any_id, next_any_id
FROM contacts
