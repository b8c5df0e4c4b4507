-- Drops the derived facts of the new contacts once they are written (cx_new_facts). Takes no
-- $params.
DROP TABLE cx_new_facts
