-- Adds one saved view: $name, $page (a page's URL path), $query (JSON text). A name already taken
-- fails on the primary key; the caller checks first to say so in words.
INSERT INTO saved_views VALUES ($name, $page, $query, current_timestamp::TIMESTAMP)
