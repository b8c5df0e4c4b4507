-- Creates the temp table cx_path_side: the contacts of one side of a refresh's change, those of
-- cx_path_sides (path_side_contacts.sql) with that $sign (-1 before the change, 1 after), for the
-- path stages to count (counted times $sign). $sign.
CREATE TEMP TABLE cx_path_side AS
SELECT * FROM cx_path_sides WHERE sign = $sign
