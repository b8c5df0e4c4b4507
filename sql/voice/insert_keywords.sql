-- Adds keywords to the theme dictionary: $themes, $patterns, $languages (VARCHAR[] of one length,
-- element i of each making one row).
INSERT INTO themes (theme, pattern, language, updated_at)
SELECT $themes[i], $patterns[i], $languages[i], current_timestamp::TIMESTAMP
FROM range(1, len($themes) + 1) AS t(i)
