-- One row per staged row, kept as the temp table cx_typed: the rows of typed_select.sql (its
-- line, each target column's typed value t_N and, for a parsed column, its cleaned text r_N).
-- Its $params are those of typed_select.sql. Slot rows: that query, as a subquery.
CREATE TEMP TABLE cx_typed AS
SELECT * FROM ({{rows}})
