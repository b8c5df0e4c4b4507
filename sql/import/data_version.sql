-- One row: the newest import's id and how many imports are deleted; together they change whenever
-- an import lands or is deleted (the dashboard's cache key). Takes no $params.
SELECT coalesce(max(import_id), 0), count(deleted_at) FROM imports
