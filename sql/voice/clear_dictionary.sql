-- Removes every row of the theme dictionary (before it is saved anew, in one transaction). No $params.
DELETE FROM themes
