-- Forgets the segment columns of the previous build. Takes no $params.
DELETE FROM rollup_segments
