-- One row per keyword or pattern of the theme dictionary, by theme. Takes no $params.
SELECT theme, pattern, language FROM themes ORDER BY theme, language, pattern
