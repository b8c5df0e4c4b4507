-- Writes the accepted new contacts (cx_typed rows without a reject) whose __line is in
-- [$first, $after) into contacts, each with its derived facts from cx_new_facts (none for a
-- contact without a customer). $import_id, $first, $after.
-- Slots: {{columns}} (target columns), {{values}} (their t_N aliases, same order).
INSERT INTO contacts ({{columns}}, import_id, prev_any_at, next_any_at, prev_same_at, next_same_at,
    prev_any_id, next_any_id)
WITH new_rows AS (
    SELECT __line, {{values}}
    FROM cx_typed
    WHERE __line >= $first AND __line < $after
      AND __line NOT IN (SELECT line FROM cx_row_rejects)
), facts AS (
    SELECT *
    FROM cx_new_facts
    WHERE __line >= $first AND __line < $after
), final AS (
    SELECT {{values}}, $import_id, facts.prev_any_at, facts.next_any_at, facts.prev_same_at,
        facts.next_same_at, facts.prev_any_id, facts.next_any_id
    FROM new_rows
    LEFT JOIN facts ON facts.__line = new_rows.__line
)
SELECT * FROM final
