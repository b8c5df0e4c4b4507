-- One row per distinct channel or contact reason of {{contacts}} (contacts, or a refresh's span of
-- them, which holds every contact a refresh counts and its neighbours): the value and a small integer
-- code for it. The path rollup builds group by these codes instead of the text (several times
-- faster at ten million contacts) and turn them back into text at the end; NULL has no code, so a
-- missing value stays NULL through the join. Takes no $params. Slot: {{contacts}}.
CREATE TEMP TABLE cx_path_codes AS
SELECT value, CAST(row_number() OVER (ORDER BY value) AS INTEGER) AS code
FROM (
    SELECT channel AS value FROM {{contacts}}
    UNION
    SELECT contact_reason FROM {{contacts}}
) AS found
WHERE value IS NOT NULL
