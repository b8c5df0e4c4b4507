-- One row: how many saved views this workspace holds. Takes no $params.
SELECT count(*) FROM saved_views
