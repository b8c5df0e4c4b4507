-- One row: the data version the rollups were built from (NULL before the first build), the
-- store's current data version (the newest import id and the number of deleted imports: it changes with every import and delete), and the segment columns the
-- build rolled up with their tables (lists in the same order). Takes no $params.
-- One query, because a page asks before every read it could answer from the rollups.
SELECT
    (SELECT max(data_version) FROM rollup_state) AS built,
    (SELECT coalesce(max(import_id), 0) || '-' || count(deleted_at) FROM imports) AS current,
    (SELECT list(seg_name ORDER BY seg_name) FROM rollup_segments) AS seg_names,
    (SELECT list(source ORDER BY seg_name) FROM rollup_segments) AS sources
