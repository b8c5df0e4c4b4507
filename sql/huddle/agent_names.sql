-- One row per distinct agent name in the contacts, longest first (so "Anna-Lena" is masked
-- before "Anna"). Takes no $params. The huddle masks these names in comments it shows.
SELECT DISTINCT agent AS name, length(agent) AS name_length
FROM contacts
WHERE agent IS NOT NULL AND trim(agent) <> ''
ORDER BY name_length DESC, name
