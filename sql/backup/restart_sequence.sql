-- Makes a sequence anew so that its next value is {{start}} (a restore continues numbering where
-- the backed-up database stopped, in O(1)). No $params: DuckDB's CREATE SEQUENCE takes only
-- constants. Slots {{sequence}}: a quoted name from the schema; {{start}}, {{step}}: integer
-- literals the restore checked (db.DdlConstant).
CREATE OR REPLACE SEQUENCE {{sequence}} START WITH {{start}} INCREMENT BY {{step}}
