-- One row per staged row of an uploaded file, first lines first: its line (header = line 1) and
-- every source column as the file's text. $limit: how many rows.
SELECT __line AS line, * EXCLUDE (__line)
FROM cx_stage
ORDER BY __line
LIMIT $limit
