-- The rows of a canonical table as a lake holds them, with the month of their date ('YYYY-MM',
-- NULL without one) to partition the files by; the columns no file feeds (provenance, derived
-- facts) are left out. Takes no $params. Slots: {{columns}}, {{table}}, {{dated}} (its date column).
SELECT {{columns}}, strftime({{dated}}, '%Y-%m') AS "month"
FROM {{table}}
