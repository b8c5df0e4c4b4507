-- One row when a saved view is called $name (compared case-insensitively: "Weekly" and "weekly"
-- would be two views no one can tell apart in the sidebar): its name, page and query.
SELECT name, page, query FROM saved_views WHERE lower(name) = lower($name)
