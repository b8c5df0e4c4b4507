-- Empties one Customer story rollup table before it is rebuilt. Takes no $params.
-- Slots: {{table}} (story_contact_rollup or story_answer_rollup).
DELETE FROM {{table}}
