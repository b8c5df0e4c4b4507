-- One row: the least typed value of every target column over the rows of typed_select.sql,
-- nothing kept: what cleaning and typing every value costs on its own, one part of the floor
-- under the import (benchmarks/import_floor.py). Its $params are those of typed_select.sql.
-- Slots: rows (that query, as a subquery), {{least}} (min(t_N) of each target column).
SELECT {{least}} FROM ({{rows}})
