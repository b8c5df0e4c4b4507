-- Version 19: yes and no as German, French, Spanish and Dutch exports write them ("Ja", "Nein",
-- "oui", "non", "sí", "nee", "wahr", "faux" ...), read by the importer as they read true and false
-- (guesses._BOOLEANS lists the same words, lower-cased). Takes no $params.
CREATE OR REPLACE MACRO cx_boolean(x) AS
    CASE WHEN lower(x) IN ('true', 'yes', 'y', '1', 'ja', 'oui', 'si', 'sí', 'wahr', 'vrai', 'verdadero') THEN TRUE
         WHEN lower(x) IN ('false', 'no', 'n', '0', 'nein', 'non', 'nee', 'falsch', 'faux', 'falso') THEN FALSE END;
