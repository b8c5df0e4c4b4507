-- Version 16: named saved views (docs/dashboard.md "Links and saved views"). A row is one view kept in
-- this workspace: its name, the page it opens (the page's URL path, '' for the Overview) and the
-- link's query parameters (filters and the page's own choices) as a JSON object. Takes no $params.
CREATE TABLE saved_views (
    name     VARCHAR PRIMARY KEY,   -- checked by cxmetrics.engine.saved_views.check_name
    page     VARCHAR NOT NULL,
    query    VARCHAR NOT NULL,      -- JSON: {parameter: value or [values]}
    saved_at TIMESTAMP NOT NULL
);
