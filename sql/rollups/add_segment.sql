-- Records one segment column of this build. $seg_name, $source (contacts | customers).
INSERT INTO rollup_segments VALUES ($seg_name, $source)
