-- Version 19: values as German, French, Spanish and Dutch exports write them, read by the
-- importer as it reads English ones (guesses._BOOLEANS and guesses.reads_as say the same, kept
-- equal by tests/test_guesses.py). Takes no $params.
--
-- Yes and no: "Ja", "Nein", "oui", "non", "sí", "nee", "wahr", "faux" ...
CREATE OR REPLACE MACRO cx_boolean(x) AS
    CASE WHEN lower(x) IN ('true', 'yes', 'y', '1', 'ja', 'oui', 'si', 'sí', 'wahr', 'vrai', 'verdadero') THEN TRUE
         WHEN lower(x) IN ('false', 'no', 'n', '0', 'nein', 'non', 'nee', 'falsch', 'faux', 'falso') THEN FALSE END;

-- Numbers with thousands separators, where both separators (or two of one) leave no doubt:
-- 1.234,56 and 1.234.567 (German, Spanish), 1,234.56 and 1,234,567 (English). As before, a lone
-- comma is a decimal comma (12,5 and 1,234 are 12.5 and 1.234) and a lone dot a decimal point.
CREATE OR REPLACE MACRO cx_real(x) AS
    CASE WHEN regexp_full_match(x, '[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?') THEN CAST(x AS DOUBLE)
         WHEN regexp_full_match(x, '[+-]?[0-9]+,[0-9]+') THEN CAST(replace(x, ',', '.') AS DOUBLE)
         WHEN regexp_full_match(x, '[+-]?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?')
             THEN CAST(replace(replace(x, '.', ''), ',', '.') AS DOUBLE)
         WHEN regexp_full_match(x, '[+-]?[0-9]{1,3}(,[0-9]{3})+\.[0-9]+|[+-]?[0-9]{1,3}(,[0-9]{3}){2,}')
             THEN CAST(replace(x, ',', '') AS DOUBLE) END;
