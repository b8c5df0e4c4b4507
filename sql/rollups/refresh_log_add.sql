-- Records how one rollup family was brought up to date by the refresh under way. $family, $how
-- (full, delta or skipped), $detail (why, or which keys), $seconds (how long it took).
INSERT INTO cx_rollup_refreshes VALUES ($family, $how, $detail, $seconds)
