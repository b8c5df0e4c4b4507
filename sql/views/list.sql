-- One row per saved view of this workspace: its name, page, query (JSON) and when it was saved,
-- by name (case-insensitive). Takes no $params.
SELECT name, page, query, saved_at FROM saved_views ORDER BY lower(name), name
