-- One row per contact in $contact_ids: its reason and channel. For the rare answer of a customer
-- about a contact that is not theirs (story/responses.sql labels the rest). $contact_ids.
SELECT contact_id, contact_reason, channel
FROM contacts
WHERE list_contains(CAST($contact_ids AS VARCHAR[]), contact_id)
