-- Drops the view a lake build made over one table's appended files, once their rows are captured.
-- Takes no $params. Slot: {{view}}.
DROP VIEW IF EXISTS {{view}}
